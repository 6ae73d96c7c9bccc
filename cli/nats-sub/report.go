package main

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/natsys/natsys/cli/internal/output"
	"github.com/natsys/natsys/cli/internal/record"
)

// report counts messages per subject (--report-subjects) or per
// subscription pattern (--report-subscriptions) instead of printing them,
// and prints snapshots: on a terminal it redraws the table every
// reportEvery; in a pipe it appends a snapshot whenever the counts changed,
// and always prints the final one when the run ends.
type report struct {
	bySub   bool
	top     int
	format  output.Format
	opts    output.Options
	w       io.Writer
	tty     bool
	rows    map[string]*reportRow
	msgs    int64
	bytes   int64
	changed bool
	printed bool
}

// reportRow is one subject or subscription.
type reportRow struct {
	key   string
	msgs  int64
	bytes int64
}

// add counts m.
func (r *report) add(m *record.Message) {
	key := m.Subject
	if r.bySub {
		key = m.Sub
	}
	row := r.rows[key]
	if row == nil {
		row = &reportRow{key: key}
		r.rows[key] = row
	}
	row.msgs++
	row.bytes += int64(len(m.Data))
	r.msgs++
	r.bytes += int64(len(m.Data))
	r.changed = true
}

// sorted returns the rows by message count, then bytes (both descending),
// then name, cut to --report-top.
func (r *report) sorted() []*reportRow {
	rows := make([]*reportRow, 0, len(r.rows))
	for _, row := range r.rows {
		rows = append(rows, row)
	}
	slices.SortFunc(rows, func(a, b *reportRow) int {
		return cmp.Or(cmp.Compare(b.msgs, a.msgs), cmp.Compare(b.bytes, a.bytes), strings.Compare(a.key, b.key))
	})
	if r.top > 0 && len(rows) > r.top {
		rows = rows[:r.top]
	}
	return rows
}

// keyColumn is the JSON key and title of the first column.
func (r *report) keyColumn() (string, string) {
	if r.bySub {
		return "subscription", "Subscription"
	}
	return "subject", "Subject"
}

// schema names the JSON snapshot document.
func (r *report) schema() string {
	if r.bySub {
		return "natsys.sub.subscriptions/v1"
	}
	return "natsys.sub.subjects/v1"
}

// table builds the human table, with a Totals row.
func (r *report) table() *output.Table {
	key, title := r.keyColumn()
	t := &output.Table{
		Schema: r.schema(),
		Columns: []output.Column{
			{Key: key, Title: title}, {Key: "messages", Title: "Message Count", Right: true}, {Key: "bytes", Title: "Bytes", Right: true},
		},
	}
	for _, row := range r.sorted() {
		t.Rows = append(t.Rows, []output.Cell{output.V(row.key), output.Count(row.msgs), output.Bytes(row.bytes)})
	}
	t.Rows = append(t.Rows, []output.Cell{output.V("Totals"), output.Count(r.msgs), output.Bytes(r.bytes)})
	return t
}

// doc builds the JSON snapshot (rows limited to --columns).
func (r *report) doc(now time.Time) (map[string]any, error) {
	key, _ := r.keyColumn()
	cols := r.opts.Columns
	if len(cols) == 0 {
		cols = []string{key, "messages", "bytes"}
	}
	for _, c := range cols {
		if c != key && c != "messages" && c != "bytes" {
			return nil, fmt.Errorf("unknown column %q (have %s,messages,bytes)", c, key)
		}
	}
	rows := []map[string]any{}
	for _, row := range r.sorted() {
		all := map[string]any{key: row.key, "messages": row.msgs, "bytes": row.bytes}
		obj := make(map[string]any, len(cols))
		for _, c := range cols {
			obj[c] = all[c]
		}
		rows = append(rows, obj)
	}
	return map[string]any{
		"schema": r.schema(), "ts": now.UTC().Format(time.RFC3339Nano), "top": r.top,
		"rows":   rows,
		"totals": map[string]any{key + "s": len(r.rows), "messages": r.msgs, "bytes": r.bytes},
	}, nil
}

// tick prints a snapshot when one is due: on a terminal every tick, in a
// pipe only when the counts changed.
func (r *report) tick(now time.Time) error {
	if !r.tty && !r.changed {
		return nil
	}
	return r.print(now)
}

// final prints the last snapshot unless the last one printed is current.
func (r *report) final(now time.Time) error {
	if r.printed && !r.changed {
		return nil
	}
	return r.print(now)
}

// print writes one snapshot in the chosen format.
func (r *report) print(now time.Time) error {
	r.changed, r.printed = false, true
	if r.format == output.FormatJSON || r.format == output.FormatNDJSON {
		d, err := r.doc(now)
		if err != nil {
			return err
		}
		p, err := output.New(r.w, output.Options{Format: r.format})
		if err != nil {
			return err
		}
		return p.Value(d)
	}
	var b strings.Builder
	if r.tty {
		b.WriteString("\x1b[2J\x1b[H")
	}
	if r.tty && r.format == output.FormatTable {
		what := "Subjects"
		if r.bySub {
			what = "Subscriptions"
		}
		top := fmt.Sprintf("Top %d", r.top)
		if r.top == 0 {
			top = "All"
		}
		fmt.Fprintf(&b, "%s Active %s Report at %s\n", top, what, now.Format(time.DateTime))
	}
	p, err := output.New(&b, r.opts)
	if err != nil {
		return err
	}
	if err := p.Table(r.table()); err != nil {
		return err
	}
	if !r.tty {
		b.WriteString("\n") // a blank line between snapshots
	}
	_, err = io.WriteString(r.w, b.String())
	return err
}
