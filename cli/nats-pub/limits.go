package main

import "time"

const (
	// asyncQueueLen is how many asynchronous errors are kept.
	asyncQueueLen = 64
	// replyQueueLen is how many replies wait for the printer.
	replyQueueLen = 1024
	// defaultRequestIdle ends --replies 0 after this long without a reply
	// (natscli's --reply-timeout default).
	defaultRequestIdle = 300 * time.Millisecond
)
