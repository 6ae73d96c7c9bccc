//go:build !linux

package main

import "io"

// keyMode leaves the terminal as it is on this platform: keys of top take
// effect after Enter.
func keyMode(io.Reader) (func(), error) { return func() {}, nil }
