package conf

// Limits of the configuration language. nats-server has none of these (an
// include loop or a very deep nesting crashes it with a stack overflow); the
// values are far above anything a real configuration uses.
const (
	// MaxIncludeDepth is how deep include directives may nest: the main
	// file is depth 0, a file it includes depth 1, and so on.
	MaxIncludeDepth = 16

	// MaxNestingDepth is how deep maps and arrays may nest inside one
	// file (the top level of the file does not count).
	MaxNestingDepth = 256

	// MaxVariableDepth is how many environment variables may be chained
	// ($A whose value is $B whose value is ...) before parsing gives up.
	MaxVariableDepth = 64

	// envValueKey is the key under which an environment variable's value
	// is parsed ("pk=<value>"), as the reference does.
	envValueKey = "pk"
)
