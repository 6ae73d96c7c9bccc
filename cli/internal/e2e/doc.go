// Package e2e holds end-to-end tests that build the nats-sub and nats-pub
// binaries and run them as real processes in shell pipelines against a real
// server: the `nats-sub --json | nats-pub --input json` round trip, closed
// pipes, signals and terminal detection. It has no non-test code.
package e2e
