package cmdutil

import "time"

// rateLimiterKeys bounds the memory of a RateLimiter.
const rateLimiterKeys = 1024

// completeTimeout bounds the live queries of shell completion (connecting
// included), so a tab press never hangs.
const completeTimeout = 2 * time.Second
