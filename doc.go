// Package azc is the library behind the azc command: Go programs import it
// to do what any azc command does without shelling out. Open a state
// directory, resolve a context by the rules azc's command line uses, list
// contexts and change them in an explicit scope.
//
// There is no package-level "current context": every call goes through a
// *State handle, and a context is addressed explicitly, so goroutines and
// parallel jobs never leak a selection into one another.
//
// The user scope lives in profile.json in the state directory (see package
// profile); the process scope lives in a session, which the caller plugs
// in through Options.Session.
package azc
