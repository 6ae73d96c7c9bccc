// Package subject implements NATS subjects: validation (protocol.md §5,
// config.md §2.9), wildcard matching helpers used by permissions, imports and
// exports, and Index, the per-account subscription index with a match cache.
//
// A subject is a sequence of tokens separated by '.'. Every token must be
// non-empty. A token that is exactly "*" matches any single token, and a token
// that is exactly ">" matches one or more tokens and must be last. A token
// such as "foo*" or ">x" is an ordinary literal token.
//
// Subjects that are matched against patterns ("literal" subjects, the PUB
// side) are always taken token by token as plain text: a published subject
// "foo.*" is the literal token "*", which a pattern "foo.*" or "foo.>"
// matches but a pattern "foo.bar" does not. This is how the reference server
// behaves both for delivery and for subscribe permission checks.
package subject
