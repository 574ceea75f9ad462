//go:build !race

package cmdutil

// raceBuild says the tests run with the race detector, whose shadow memory
// is resident too.
const raceBuild = false
