package main

import "time"

// Default sizes of each scenario, chosen so that `make bench` (3 rounds, two
// servers) stays within about ten minutes on two cores. Every scenario also
// takes -scale, which multiplies its message or operation count.
const (
	// defaultPayload is the payload size of the small-message scenarios.
	defaultPayload = 16
	// defaultPubSubMsgs is the number of messages published in pubsub-4x4.
	defaultPubSubMsgs = 2_000_000
	// defaultQueueMsgs is the number of messages published in queue-4.
	defaultQueueMsgs = 1_200_000
	// defaultQueueMembers is the number of queue group members in queue-4.
	defaultQueueMembers = 4
	// defaultStreams is the number of publishers and subscribers in pubsub-4x4.
	defaultStreams = 4
	// defaultRequests is the number of timed request/reply round trips.
	defaultRequests = 20_000
	// requestWarmup is the number of untimed round trips before the timed ones.
	requestWarmup = 1_000
	// defaultSubs is the number of subscriptions in subs-100k.
	defaultSubs = 100_000
	// defaultSubConns is the number of connections that hold those subscriptions.
	defaultSubConns = 4
	// defaultSubsPubSubjects is the number of distinct subjects published to
	// in subs-100k (more than the reference's 1,024-entry match cache).
	defaultSubsPubSubjects = 10_000
	// defaultSubsMsgs is the number of messages published in subs-100k.
	defaultSubsMsgs = 1_000_000
	// defaultChurnOps is the number of SUB+UNSUB pairs in subs-100k's churn.
	defaultChurnOps = 100_000
	// churnBatch is the number of SUB+UNSUB pairs sent before a PING/PONG.
	churnBatch = 500
	// subSetupBatch is the number of SUBs sent before a PING/PONG at set-up.
	subSetupBatch = 5_000
	// defaultIdleConns is the number of idle connections in idle-conns.
	defaultIdleConns = 5_000
	// defaultConnzConns is the number of connections open during connz.
	defaultConnzConns = 10_000
	// defaultConnzRequests is the number of timed CONNZ requests.
	defaultConnzRequests = 15
	// defaultConnzQuery is the CONNZ query: sorted, limit 1024.
	defaultConnzQuery = "sort=bytes_from&limit=1024"
	// defaultChurnConns is the number of connect+disconnect cycles in conn-churn.
	defaultChurnConns = 4_000
	// churnWorkers is the number of goroutines connecting in parallel.
	churnWorkers = 4
	// dialWorkers is the number of goroutines opening connections in parallel
	// for idle-conns and connz.
	dialWorkers = 32
	// defaultSlowBytes is the number of payload bytes published at the
	// stalled subscriber in slow-consumer.
	defaultSlowBytes = 128 << 20
	// slowPayload is the payload size used in slow-consumer.
	slowPayload = 4096
	// slowRecvBuf is the socket receive buffer of the stalled subscriber.
	slowRecvBuf = 4096
	// rssSampleEvery is how often slow-consumer samples the server's RSS.
	rssSampleEvery = 20 * time.Millisecond
	// idleSettle is how long idle-conns waits before reading RSS again.
	idleSettle = time.Second
	// pollEvery is how often delivery counters are polled.
	pollEvery = time.Millisecond
	// pubChunk is the size of the pre-built buffer of PUB lines a publisher writes.
	pubChunk = 64 << 10
	// readBuf is the size of a connection's read buffer.
	readBuf = 64 << 10
	// writeBuf is the size of a connection's write buffer.
	writeBuf = 32 << 10
	// dialTimeout bounds one connect and handshake.
	dialTimeout = 5 * time.Second
	// syncTimeout bounds one PING/PONG round trip used as a barrier.
	syncTimeout = 30 * time.Second
	// defaultTimeout bounds one scenario run.
	defaultTimeout = 60 * time.Second
	// maxLine is the longest protocol line the driver accepts.
	maxLine = 8 << 10
)
