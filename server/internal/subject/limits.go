package subject

// Limits of the subject package. The reference nats-server has no limit on
// subject length or token count of its own (only max_control_line and the
// optional max_sub_tokens, both enforced by the server, not here), so none is
// imposed here either.
const (
	// CacheMaxEntries is the number of literal subjects whose match results
	// an Index keeps cached (the reference uses 1024 per account sublist).
	CacheMaxEntries = 1024

	// CacheSweepEntries is how many cache entries are dropped at once when
	// the cache is full, so that a stream of distinct subjects pays for a
	// sweep only once every CacheSweepEntries misses.
	CacheSweepEntries = 256

	// smallSetMax is the number of members a set (subscriptions of one
	// node, queue groups of one node) holds before it also builds a map
	// index; below it a linear scan is faster and uses less memory.
	smallSetMax = 8

	// smallGroupsMax is the number of distinct queue groups a match result
	// collects by linear scan before it switches to a map by queue name.
	smallGroupsMax = 8
)
