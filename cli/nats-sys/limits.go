package main

import "time"

// Limits and defaults of nats-sys.
const (
	// defaultWatch is the interval of a bare --watch (natscli top uses 1 s;
	// the spec proposes 2 s).
	defaultWatch = 2 * time.Second
	// minWatch is the shortest --watch interval accepted.
	minWatch = 100 * time.Millisecond
	// reportPageSize is the CONNZ page size used by reports and top, which
	// need every connection of every server (the server's default is 1024).
	reportPageSize = 10_000
	// reportMaxPages caps the follow-up pages asked from one server.
	reportMaxPages = 100
	// defaultTop is natscli's --top default for report connections/accounts.
	defaultTop = 1000
	// defaultTopConns is how many connections top shows (nats-top -n).
	defaultTopConns = 1024
	// pingGraphBucket is the width of one --graph histogram bucket.
	pingGraphBucket = 25 * time.Millisecond
	// pingGraphWidth is the longest bar of the --graph histogram.
	pingGraphWidth = 50
	// defaultConnzLimit is natscli's --limit default for server requests.
	defaultConnzLimit = 2048
	// loadBarWidth is the longest bar of report cpu and report mem.
	loadBarWidth = 50
	// eventsBuffer is how many events may wait to be printed.
	eventsBuffer = 4096
)
