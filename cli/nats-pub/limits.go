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

const (
	// progressMinCount is the smallest --count that shows a progress line
	// on a terminal (natscli shows its bar above 20 messages).
	progressMinCount = 20
	// progressEvery rate-limits progress line updates.
	progressEvery = 200 * time.Millisecond
	// maxRate caps the number in --rate N/unit.
	maxRate = 1e9
)
