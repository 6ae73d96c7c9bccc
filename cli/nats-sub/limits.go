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

const (
	// commandTimeout bounds one run of a --translate or --respond-exec
	// command.
	commandTimeout = 30 * time.Second
	// maxCommandOutput caps what such a command may write on stdout.
	maxCommandOutput = 64 << 20
	// commandStderrKeep is how much of its stderr is kept for the error.
	commandStderrKeep = 4096
	// matchPendingMax bounds the requests --match-replies remembers.
	matchPendingMax = 10000
	// matchEarlyMax bounds the inbox messages --match-replies keeps while
	// their request has not been seen yet.
	matchEarlyMax = 1000
	// reportEvery is how often --report-subjects/--report-subscriptions
	// print a snapshot.
	reportEvery = time.Second
	// defaultReportTop is natscli's --report-top default.
	defaultReportTop = 10
)

// defaultInboxPrefix is the client's inbox prefix when none is configured.
const defaultInboxPrefix = "_INBOX"
