// Package systable renders what nats-sys commands show: a View of titled
// tables (data tables and key/value sections) in every output format, rate
// columns computed between two snapshots, and the terminal redraw used by
// --watch and top. It builds on package output, which owns the formats.
package systable

import (
	"fmt"
	"io"
	"strings"

	"github.com/natsys/natsys/cli/internal/output"
)

// Section is one titled table of a View.
type Section struct {
	// Title is printed above the table in the table and md formats only.
	Title string
	// Table holds the data. For a key/value section it has two columns.
	Table *output.Table
	// KV marks a key/value section: printed without a header line, and
	// merged into one section,key,value table in csv and tsv.
	KV bool
}

// View is the human-readable result of one command.
type View struct {
	// Heading is a line printed first in the table and md formats
	// ("Server information for n1 (ID)").
	Heading string
	// Sections are printed in order; the first is the main table, the only
	// one --columns applies to and the only one csv/tsv print (unless every
	// section is a key/value section). Empty secondary sections are skipped.
	Sections []Section
	// Notes are lines printed after the tables in table, plain and md
	// formats ("JetStream is not enabled on n2").
	Notes []string
}

// Add appends a section and returns the view.
func (v *View) Add(title string, t *output.Table) *View {
	v.Sections = append(v.Sections, Section{Title: title, Table: t})
	return v
}

// AddKV appends a key/value section and returns the view.
func (v *View) AddKV(title string, kv *KV) *View {
	v.Sections = append(v.Sections, Section{Title: title, Table: kv.Table(), KV: true})
	return v
}

// KV accumulates key/value rows for a section.
type KV struct {
	rows [][]output.Cell
}

// Add appends one row; the key doubles as its JSON/CSV name.
func (kv *KV) Add(key string, val output.Cell) *KV {
	kv.rows = append(kv.rows, []output.Cell{output.V(key), val})
	return kv
}

// Text appends a row whose value is text.
func (kv *KV) Text(key, val string) *KV { return kv.Add(key, output.V(val)) }

// Len returns the number of rows.
func (kv *KV) Len() int { return len(kv.rows) }

// Table returns the rows as a two-column table (key, value).
func (kv *KV) Table() *output.Table {
	return &output.Table{
		Columns: []output.Column{{Key: "key", Title: "Key", Right: true}, {Key: "value", Title: "Value"}},
		Rows:    kv.rows,
	}
}

// Render prints v in format o.Format (json/ndjson print the main table's
// document; commands with a raw or schema JSON document print it themselves).
func Render(w io.Writer, o output.Options, v *View) error {
	if len(v.Sections) == 0 {
		return nil
	}
	switch o.Format {
	case output.FormatCSV, output.FormatTSV, output.FormatJSON, output.FormatNDJSON:
		if allKV(v) {
			return printTable(w, o, mergeKV(v))
		}
		return printTable(w, o, v.Sections[0].Table)
	}
	titles := o.Format == output.FormatTable || o.Format == output.FormatMarkdown
	var b strings.Builder
	if titles && v.Heading != "" {
		b.WriteString(v.Heading + "\n\n")
	}
	for i, s := range v.Sections {
		if i > 0 && len(s.Table.Rows) == 0 {
			continue // an empty secondary table says nothing
		}
		if i > 0 {
			b.WriteString("\n")
		}
		if titles && s.Title != "" {
			if o.Format == output.FormatMarkdown {
				b.WriteString("### ")
			}
			b.WriteString(s.Title + "\n")
			if o.Format == output.FormatMarkdown {
				b.WriteString("\n")
			}
		}
		if s.KV && o.Format != output.FormatMarkdown {
			if !titles && s.Title != "" {
				b.WriteString(s.Title + ":\n")
			}
			writeKV(&b, s.Table)
			continue
		}
		so := o
		if i > 0 {
			so.Columns = nil
		}
		if s.KV {
			so.Columns = nil
		}
		if err := printTable(&b, so, s.Table); err != nil {
			return err
		}
	}
	for i, n := range v.Notes {
		if i == 0 {
			b.WriteString("\n")
		}
		b.WriteString(n + "\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// writeKV prints a key/value table as aligned "Key: value" lines with the
// keys right-aligned, as natscli prints its information pages.
func writeKV(b *strings.Builder, t *output.Table) {
	width := 0
	for _, r := range t.Rows {
		width = max(width, len(cellText(r[0])))
	}
	for _, r := range t.Rows {
		line := fmt.Sprintf("  %*s: %s", width, cellText(r[0]), cellText(r[1]))
		b.WriteString(strings.TrimRight(line, " ") + "\n")
	}
}

// cellText is what human formats show for c.
func cellText(c output.Cell) string {
	if c.Text != "" || c.Value == nil {
		return c.Text
	}
	return fmt.Sprint(c.Value)
}

func printTable(w io.Writer, o output.Options, t *output.Table) error {
	p, err := output.New(w, o)
	if err != nil {
		return err
	}
	if err := p.Table(t); err != nil {
		return fmt.Errorf("systable: %w", err)
	}
	return nil
}

func allKV(v *View) bool {
	for _, s := range v.Sections {
		if !s.KV {
			return false
		}
	}
	return true
}

// mergeKV joins key/value sections into one section,key,value table.
func mergeKV(v *View) *output.Table {
	t := &output.Table{Columns: []output.Column{
		{Key: "section", Title: "Section"}, {Key: "key", Title: "Key"}, {Key: "value", Title: "Value"},
	}}
	for _, s := range v.Sections {
		for _, r := range s.Table.Rows {
			t.Rows = append(t.Rows, append([]output.Cell{output.V(s.Title)}, r...))
		}
	}
	return t
}
