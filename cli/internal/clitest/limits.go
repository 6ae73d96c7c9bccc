package clitest

import "time"

const (
	// startAttempts is how often StartServer retries (a free port can be
	// taken between picking and binding it).
	startAttempts = 3
	// startTimeout bounds waiting for the server to accept connections.
	startTimeout = 10 * time.Second
	// waitTimeout bounds WaitFor and Wait in tests.
	waitTimeout = 15 * time.Second
)
