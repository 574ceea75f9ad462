package emulator

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

type deviceState int

const (
	devicePending deviceState = iota
	deviceApproved
	deviceDeclined
	deviceExpired
)

type deviceCode struct {
	clientID  string
	userCode  string
	authority string
	scope     string
	expires   time.Time
	state     deviceState
	upn       string
}

// ErrUnknownUserCode is returned by the device code hooks for a code never issued or
// already redeemed.
var ErrUnknownUserCode = errors.New("unknown or already redeemed user code")

func userCode() string {
	const alphabet = "BCDFGHJKLMNPQRSTVWXZ23456789"
	b := make([]byte, 9)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

func (s *Server) serveDeviceCode(w http.ResponseWriter, r *http.Request, seg string) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		s.writeOAuthError(w, r, errf(http.StatusMethodNotAllowed, "invalid_request", 900561, "the devicecode endpoint only accepts POST requests"))
		return
	}
	if err := r.ParseForm(); err != nil {
		s.writeOAuthError(w, r, errf(http.StatusBadRequest, "invalid_request", 900144, "the request body could not be parsed"))
		return
	}
	if oe := repeatedParameter(r.PostForm); oe != nil {
		s.writeOAuthError(w, r, oe)
		return
	}
	ts, oe := s.resolveTenant(seg)
	if oe != nil {
		s.writeOAuthError(w, r, oe)
		return
	}
	if sr, oe := parseScope(r.PostForm.Get("scope"), false); oe != nil || len(sr.all) == 0 {
		if oe == nil {
			oe = errf(http.StatusBadRequest, "invalid_request", 900144, "the request body must contain the following parameter: 'scope'")
		}
		s.writeOAuthError(w, r, oe)
		return
	}
	app, _, oe := s.client(r, ts.tenant, "")
	if oe != nil {
		s.writeOAuthError(w, r, oe)
		return
	}
	dc := &deviceCode{
		clientID: app.AppID, userCode: userCode(), authority: ts.seg, scope: r.PostForm.Get("scope"),
		expires: s.now().Add(s.dir.deviceLife),
	}
	device := randomHex(32)
	s.mu.Lock()
	if !s.pruneLocked() {
		s.mu.Unlock()
		s.writeOAuthError(w, r, errTooManyCodes)
		return
	}
	s.deviceCodes[device] = dc
	s.userCodes[dc.userCode] = dc
	notify := s.onDevice
	close(s.issued)
	s.issued = make(chan struct{})
	s.mu.Unlock()
	verify := "https://" + r.Host + "/devicelogin"
	writeJSON(w, http.StatusOK, map[string]any{
		"user_code": dc.userCode, "device_code": device, "verification_uri": verify,
		"expires_in": int(s.dir.deviceLife / time.Second), "interval": 5,
		"message": fmt.Sprintf("To sign in, use a web browser to open the page %s and enter the code %s to authenticate.", verify, dc.userCode),
	})
	if notify != nil {
		notify(dc.userCode)
	}
}

func (s *Server) grantDeviceCode(r *http.Request, o *tokenOptions, tokenURL string) *oauthError {
	device := r.PostForm.Get("device_code")
	if device == "" {
		return errf(http.StatusBadRequest, "invalid_request", 900144, "the request body must contain the following parameter: 'device_code'")
	}
	app, acr, oe := s.client(r, o.authority.tenant, tokenURL)
	if oe != nil {
		return oe
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	dc, ok := s.deviceCodes[device]
	if !ok || !strings.EqualFold(dc.clientID, app.AppID) {
		return errf(http.StatusBadRequest, "bad_verification_code", 70018, "the device code is not valid or was already redeemed")
	}
	if dc.state == devicePending && s.now().After(dc.expires) {
		dc.state = deviceExpired
	}
	switch dc.state {
	case devicePending:
		return errf(http.StatusBadRequest, "authorization_pending", 70016, "OAuth 2.0 device flow error. Authorization is pending. Continue polling")
	case deviceDeclined:
		s.dropDevice(device)
		return errf(http.StatusBadRequest, "authorization_declined", 70020, "the user declined the sign-in request")
	case deviceExpired:
		s.dropDevice(device)
		return errf(http.StatusBadRequest, "expired_token", 70019, "verification code expired")
	}
	s.dropDevice(device)
	if len(o.scope.all) == 0 {
		o.scope, _ = parseScope(dc.scope, false) // checked when the code was issued
	}
	u := s.dir.users[dc.upn]
	t, oe := userTenant(u, o.authority)
	if oe != nil {
		return oe
	}
	o.user, o.app, o.acr, o.tenant, o.issueRT = u, app, acr, t, true
	return nil
}

// dropDevice forgets a device code; s.mu must be held.
func (s *Server) dropDevice(device string) {
	if dc, ok := s.deviceCodes[device]; ok {
		delete(s.userCodes, dc.userCode)
		delete(s.deviceCodes, device)
	}
}

func (s *Server) setDeviceState(userCode string, st deviceState, upn string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	dc, ok := s.userCodes[strings.ToUpper(strings.TrimSpace(userCode))]
	if !ok {
		return fmt.Errorf("device code %q: %w", userCode, ErrUnknownUserCode)
	}
	if dc.state != devicePending {
		return fmt.Errorf("device code %q is no longer pending", userCode)
	}
	if s.now().After(dc.expires) {
		return fmt.Errorf("device code %q has expired", userCode)
	}
	dc.state, dc.upn = st, upn
	return nil
}

// ApproveDeviceCode signs in upn for the device code with userCode; the next poll gets
// tokens (or an error if upn does not belong to the requested tenant). A code past its
// lifetime cannot be approved, as on Entra ID.
func (s *Server) ApproveDeviceCode(userCode, upn string) error {
	if _, ok := s.dir.users[strings.ToLower(upn)]; !ok {
		return fmt.Errorf("approve device code: unknown user %q", upn)
	}
	return s.setDeviceState(userCode, deviceApproved, strings.ToLower(upn))
}

// DeclineDeviceCode makes the next poll for userCode fail with authorization_declined.
func (s *Server) DeclineDeviceCode(userCode string) error {
	return s.setDeviceState(userCode, deviceDeclined, "")
}

// ExpireDeviceCode makes the next poll for userCode fail with expired_token, as if its
// lifetime had passed.
func (s *Server) ExpireDeviceCode(userCode string) error {
	return s.setDeviceState(userCode, deviceExpired, "")
}

// WaitPendingDeviceCodes lists the user codes waiting for approval, waiting up to d (or
// until ctx ends) for one to be issued when there is none yet.
func (s *Server) WaitPendingDeviceCodes(ctx context.Context, d time.Duration) []string {
	t := time.NewTimer(d)
	defer t.Stop()
	for {
		s.mu.Lock()
		issued := s.issued
		s.mu.Unlock()
		if codes := s.PendingDeviceCodes(); len(codes) > 0 {
			return codes
		}
		select {
		case <-issued:
		case <-t.C:
			return nil
		case <-ctx.Done():
			return nil
		case <-s.closed:
			return nil
		}
	}
}

// PendingDeviceCodes lists the user codes waiting for approval, which leaves out codes
// past their lifetime: no client polls for them any more.
func (s *Server) PendingDeviceCodes() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	var out []string
	for code, dc := range s.userCodes {
		if dc.state == devicePending && !now.After(dc.expires) {
			out = append(out, code)
		}
	}
	return out
}
