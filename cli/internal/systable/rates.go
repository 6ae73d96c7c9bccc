package systable

import (
	"fmt"
	"time"

	"github.com/natsys/natsys/cli/internal/output"
)

// Counters holds the counter columns of one snapshot by row key, so that the
// next snapshot can show per-second rates.
type Counters map[string]map[string]int64

// Snapshot records the integer values of columns cols of t, keyed by
// rowKeys (one per row of t).
func Snapshot(t *output.Table, rowKeys []string, cols ...string) Counters {
	idx := columnIndex(t)
	c := make(Counters, len(rowKeys))
	for r, key := range rowKeys {
		if r >= len(t.Rows) {
			break
		}
		m := make(map[string]int64, len(cols))
		for _, col := range cols {
			if i, ok := idx[col]; ok && i < len(t.Rows[r]) {
				if n, ok := asInt(t.Rows[r][i].Value); ok {
					m[col] = n
				}
			}
		}
		c[key] = m
	}
	return c
}

// Rate returns the per-second rate of counter col for row key between prev
// and cur; ok is false when either snapshot lacks it or elapsed is not
// positive. A counter that went down (a restarted server) gives rate 0.
func Rate(prev, cur Counters, key, col string, elapsed time.Duration) (float64, bool) {
	if prev == nil || elapsed <= 0 {
		return 0, false
	}
	p, ok1 := prev[key][col]
	c, ok2 := cur[key][col]
	if !ok1 || !ok2 {
		return 0, false
	}
	if c < p {
		return 0, true
	}
	return float64(c-p) / elapsed.Seconds(), true
}

// RateSpec names a counter column and how its rate column is titled.
type RateSpec struct {
	// Col is the key of the counter column ("in_msgs").
	Col string
	// Title is the rate column's header ("Msgs/s In").
	Title string
	// Bytes prints the rate with binary units.
	Bytes bool
}

// AddRates appends one rate column per spec to t ("<col>_per_sec"),
// computed against prev over elapsed; rows without a previous value get an
// empty cell (null in JSON). It returns the snapshot of t for the next call.
func AddRates(t *output.Table, rowKeys []string, prev Counters, elapsed time.Duration, specs ...RateSpec) Counters {
	cols := make([]string, len(specs))
	for i, s := range specs {
		cols[i] = s.Col
	}
	cur := Snapshot(t, rowKeys, cols...)
	for _, s := range specs {
		t.Columns = append(t.Columns, output.Column{Key: s.Col + "_per_sec", Title: s.Title, Right: true})
	}
	for r := range t.Rows {
		for _, s := range specs {
			cell := output.Cell{}
			if r < len(rowKeys) {
				if v, ok := Rate(prev, cur, rowKeys[r], s.Col, elapsed); ok {
					cell = RateCell(v, s.Bytes)
				}
			}
			t.Rows[r] = append(t.Rows[r], cell)
		}
	}
	return cur
}

// RateCell returns a rate cell: the raw float, and text such as "12.5/s"
// or "2.4 KiB/s".
func RateCell(v float64, bytes bool) output.Cell {
	if bytes {
		return output.Cell{Value: v, Text: output.HumanBytes(int64(v+0.5)) + "/s"}
	}
	return output.Cell{Value: v, Text: fmt.Sprintf("%.1f/s", v)}
}

func columnIndex(t *output.Table) map[string]int {
	idx := make(map[string]int, len(t.Columns))
	for i, c := range t.Columns {
		idx[c.Key] = i
	}
	return idx
}

func asInt(v any) (int64, bool) {
	switch n := v.(type) {
	case int:
		return int64(n), true
	case int64:
		return n, true
	case uint64:
		return int64(n), true
	case uint32:
		return int64(n), true
	case int32:
		return int64(n), true
	}
	return 0, false
}

// ClearScreen moves the cursor home and clears a terminal; --watch and top
// write it before each frame, only when stdout is a terminal.
const ClearScreen = "\x1b[H\x1b[2J"
