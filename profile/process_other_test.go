//go:build windows || plan9 || js || wasip1

package profile_test

const killable = false

// setHelperUmask does nothing: there is no umask here.
func setHelperUmask() {}
