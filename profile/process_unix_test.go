//go:build !windows && !plan9 && !js && !wasip1

package profile_test

const killable = true
