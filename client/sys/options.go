package sys

import (
	"context"
	"time"

	"github.com/natsys/natsys/client/sysapi"
)

// Option tunes how a call is sent and how its replies are collected.
type Option func(*config)

// config is the outcome of the Options of one call.
type config struct {
	expect     int
	gap        time.Duration
	timeout    time.Duration
	filter     sysapi.EventFilterOptions
	hasFilter  bool
	noDiscover bool
	noCompress bool
	maxReply   int64
}

func newConfig(opts []Option) *config {
	c := &config{gap: DefaultGap, maxReply: DefaultMaxReplySize}
	for _, o := range opts {
		if o != nil {
			o(c)
		}
	}
	return c
}

// bound applies Timeout, or DefaultTimeout when ctx has no deadline.
func (c *config) bound(ctx context.Context) (context.Context, context.CancelFunc) {
	if c.timeout > 0 {
		return context.WithTimeout(ctx, c.timeout)
	}
	if _, ok := ctx.Deadline(); !ok {
		return context.WithTimeout(ctx, DefaultTimeout)
	}
	return context.WithCancel(ctx)
}

// Expect makes a fan-out wait for n replies (then stop at once), instead of
// discovering the server count. n <= 0 restores the automatic mode. It has no
// effect on requests to given servers, which expect one reply per server.
func Expect(n int) Option { return func(c *config) { c.expect = max(n, 0) } }

// Gap sets the quiet period after the last reply that ends a fan-out whose
// reply count is unknown (DefaultGap). d <= 0 disables the gap: the
// collection then runs until the deadline.
func Gap(d time.Duration) Option { return func(c *config) { c.gap = max(d, 0) } }

// Timeout caps the whole call (discovery, name resolution and collection)
// at d, on top of the context's own deadline. Without it a context with no
// deadline gets DefaultTimeout.
func Timeout(d time.Duration) Option { return func(c *config) { c.timeout = max(d, 0) } }

// Filter adds server filter options (server_name, cluster, host, tags,
// domain, exact_match) to the request body; servers that do not match stay
// silent. With a filter and no Expect, a fan-out does not use the discovered
// server count (excluded servers would look missing) and stops on the gap.
func Filter(f sysapi.EventFilterOptions) Option {
	return func(c *config) { c.filter, c.hasFilter = f, true }
}

// NoDiscovery skips the STATSZ ping that learns how many servers to wait for:
// without Expect, a fan-out then stops on the quiet gap.
func NoDiscovery() Option { return func(c *config) { c.noDiscover = true } }

// NoCompression sends requests without "Accept-Encoding: snappy", so servers
// reply with plain JSON.
func NoCompression() Option { return func(c *config) { c.noCompress = true } }

// MaxReplySize caps the decompressed size of one reply (DefaultMaxReplySize);
// larger replies are reported with Reply.Invalid set to ErrReplyTooLarge.
func MaxReplySize(n int64) Option {
	return func(c *config) {
		if n > 0 {
			c.maxReply = n
		}
	}
}
