package cmdutil

// rateLimiterKeys bounds the memory of a RateLimiter.
const rateLimiterKeys = 1024
