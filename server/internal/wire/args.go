package wire

// maxArgs is the largest number of arguments any client operation takes (HPUB with a reply).
const maxArgs = 4

// span is a [start, end) range of a control line.
type span struct{ start, end int }

// noSpan returns the range that marks an absent optional argument.
func noSpan() span { return span{-1, -1} }

// of returns the bytes of s in line.
func (s span) of(line []byte) []byte { return line[s.start:s.end:s.end] }

// Separator sets for splitArgs, as bit masks over the bytes 0..32.
const (
	sepSpaceTab   uint64 = 1<<' ' | 1<<'\t'                // PUB, HPUB
	sepSpaceTabCR uint64 = sepSpaceTab | 1<<'\r' | 1<<'\n' // SUB, UNSUB (as the reference)
)

// isSep reports whether b is in the separator set seps.
func isSep(b byte, seps uint64) bool { return b <= ' ' && seps&(1<<b) != 0 }

// splitArgs splits line on runs of the separators seps, storing up to maxArgs argument ranges in
// a. It returns the number of arguments found, which may exceed maxArgs (the extra ones are not
// stored).
func splitArgs(line []byte, seps uint64, a *[maxArgs]span) int {
	n, i := 0, 0
	for {
		for i < len(line) && isSep(line[i], seps) {
			i++
		}
		if i == len(line) {
			return n
		}
		start := i
		for i < len(line) && !isSep(line[i], seps) {
			i++
		}
		if n < maxArgs {
			a[n] = span{start, i}
		}
		n++
	}
}

// parseSize parses a size field: 1 to MaxSizeDigits decimal digits and nothing else. It returns
// -1 for anything else (sign, letters, empty, too long).
func parseSize(d []byte) int {
	if len(d) == 0 || len(d) > MaxSizeDigits {
		return -1
	}
	n := 0
	for _, c := range d {
		if c < '0' || c > '9' {
			return -1
		}
		n = n*10 + int(c-'0')
	}
	return n
}
