//go:build unix

package execute

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sync"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/azcontext/azc"
	"github.com/azcontext/azc/credserver/endpoint"
	"github.com/azcontext/azc/internal/cli/cmdutil"
	"github.com/azcontext/azc/internal/cli/tokens"
)

// spawnServer is the credential server of an exec that the azc binary
// runs: azc makes the listening socket and the endpoint, gives the child
// their variables, and starts azc-full (f.FullCommand, with ServeEnv set)
// to serve on them, without waiting for it: the child runs while azc-full
// starts, and a token request it sends meanwhile waits in the socket's
// backlog. What would stop the server before the child starts is checked
// here first: the account's ARM token is served from its credential blob
// (tokens.Cached), else the error is cmdutil.ErrNeedFull and azc-full runs
// the whole exec (it asks MSAL, or tells the user why no token can be had).
func spawnServer(f *cmdutil.Factory, st *azc.State, spec *ServeSpec) (Server, error) {
	if f.FullCommand == nil {
		return nil, cmdutil.ErrNeedFull
	}
	r := tokens.Request{Environment: spec.Environment, Account: spec.Account, TenantID: spec.Context.Tenant.ID}
	tok, err := tokens.Cached(f, st, spec.Scope, &r)
	if err != nil {
		return nil, err
	}
	spec.Identity = ReadTokenIdentity(tok.AccessToken.Reveal())
	ln, host, err := endpoint.Listen()
	if err != nil {
		return nil, fmt.Errorf("exec: start the credential server: %w", err)
	}
	// azc keeps its copy until the child has ended (spawned.refuse)
	keep := false
	defer func() {
		if !keep {
			_ = ln.Close()
		}
	}()
	if spec.Endpoint, err = endpoint.New(host, nil); err != nil {
		return nil, fmt.Errorf("exec: start the credential server: %w", err)
	}
	cmd, err := f.FullCommand()
	if err != nil {
		return nil, err
	}
	cmd.Env = append(cmd.Env, ServeEnv+"=1")
	cmd.ExtraFiles = []*os.File{ln}
	cmd.Stderr = f.IOStreams.ErrOut
	// Its own process group: a Ctrl-C at the terminal is the child's, and
	// must not stop the server the child may still ask.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, fmt.Errorf("exec: start the credential server: %w", err)
	}
	if err := cmd.Start(); err != nil {
		_ = in.Close()
		return nil, fmt.Errorf("exec: start the credential server: %w", err)
	}
	keep = true
	s := &spawned{cmd: cmd, in: in, ln: ln, env: spec.Endpoint.Env(spec.LegacyMSI), exited: make(chan struct{}), closing: make(chan struct{})}
	go s.watch(f.IOStreams)
	// The pipe holds the request until azc-full reads it. A server that
	// has already ended (its pipe closed by watch's Wait, or without a
	// reader) is one that ends early: watch says so, and the child runs.
	if err := writeSpec(in, spec); err != nil && !errors.Is(err, os.ErrClosed) && !errors.Is(err, syscall.EPIPE) {
		_ = s.Close()
		return nil, fmt.Errorf("exec: start the credential server: %w", err)
	}
	f.Logger.Debug("exec: credential server started in azc-full", "path", cmd.Path, "pid", cmd.Process.Pid)
	return s, nil
}

// spawned is the azc-full that serves an exec's child.
type spawned struct {
	cmd *exec.Cmd
	in  io.WriteCloser
	// ln is azc's copy of the server's socket, held until Close: a server
	// that ends early leaves the port to azc (refuse), not free for any
	// other process to listen on and be sent the child's requests, secret
	// included.
	ln      *os.File
	refused chan struct{} // closed when refuse has returned; nil if it never ran
	env     []string
	// exited is closed once the server has exited, with err its end;
	// closing once Close begins.
	exited, closing chan struct{}
	err             error
	once            sync.Once
}

func (s *spawned) Env() []string { return s.env }

// watch waits for the server to exit and tells the user at once when it
// does before Close asks it to: the child, which may still run, gets no
// more tokens (azc-full has said why on stderr, where it can).
func (s *spawned) watch(ios *cmdutil.IOStreams) {
	err := s.cmd.Wait()
	var ee *exec.ExitError
	if errors.As(err, &ee) && !ee.Exited() {
		err = nil // ended by Close's TERM, or by a signal the user sent it
	}
	if err != nil {
		err = fmt.Errorf("the credential server (%s): %w", s.cmd.Path, err)
	}
	select {
	case <-s.closing:
	default:
		cmdutil.Warn(ios, fmt.Sprintf("exec: the credential server ended before the program did, which gets no more tokens from it (%s, pid %d)", s.cmd.Path, s.cmd.Process.Pid))
		s.refused = make(chan struct{})
		go s.refuse()
	}
	s.err = err
	close(s.exited)
}

// refuse closes every connection to the socket as it comes, until Close:
// the child's requests fail at once rather than wait for a server that is
// gone, and the port stays azc's.
func (s *spawned) refuse() {
	defer close(s.refused)
	fd := int(s.ln.Fd())
	// A server that served made the socket non-blocking (net.FileListener),
	// a flag azc's descriptor shares; its accept would fail at once with
	// EAGAIN. The server has exited: the socket is azc's alone.
	if err := unix.SetNonblock(fd, false); err != nil {
		return
	}
	for {
		c, _, err := unix.Accept(fd)
		if err == nil {
			_ = unix.Close(c)
		} else if err != unix.EINTR && err != unix.ECONNABORTED {
			return
		}
		select {
		case <-s.closing:
			return
		default:
		}
	}
}

// Close ends the server: the end of its standard input stops one that
// serves, TERM one still starting (a Go program not yet watching for TERM
// ends at once), CONT one that was stopped (where TERM and the end of its
// input would wait for good), and Close waits for it to exit.
func (s *spawned) Close() error {
	s.once.Do(func() {
		close(s.closing)
		_ = s.in.Close()
		_ = s.cmd.Process.Signal(syscall.SIGTERM)
		_ = s.cmd.Process.Signal(syscall.SIGCONT)
	})
	<-s.exited
	if s.refused != nil {
		// wake refuse's accept with a connection of our own
		if sa, err := unix.Getsockname(int(s.ln.Fd())); err == nil {
			if fd, err := unix.Socket(unix.AF_INET, unix.SOCK_STREAM, 0); err == nil {
				_ = unix.Connect(fd, sa)
				_ = unix.Close(fd)
			}
		}
		<-s.refused
	}
	_ = s.ln.Close()
	return s.err
}
