package main

import "time"

const (
	// msgQueueLen is how many received messages wait for the printer
	// before the client's own pending limits (and slow-consumer drops)
	// take over.
	msgQueueLen = 1024
	// asyncQueueLen is how many asynchronous errors are kept for the loop.
	asyncQueueLen = 64
	// warnInterval rate-limits repeated warnings (one per message text).
	warnInterval = time.Second
)
