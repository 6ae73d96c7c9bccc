package output

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/renderer"
	"github.com/olekukonko/tablewriter/tw"
)

// Column describes one column of a Table.
type Column struct {
	// Key names the column in JSON output and in --columns.
	Key string
	// Title is the header in human formats (table, plain, md, csv, tsv).
	Title string
	// Right aligns the column to the right in human formats.
	Right bool
}

// Cell is one value: Value is printed by json, ndjson, csv and tsv (raw
// numbers), Text by table, plain and md ("" means fmt.Sprint(Value)).
type Cell struct {
	Value any
	Text  string
}

// V returns a cell whose text is its value.
func V(v any) Cell { return Cell{Value: v} }

// Bytes returns a byte-count cell: raw integer, human text ("2.4 KiB").
func Bytes(n int64) Cell { return Cell{Value: n, Text: HumanBytes(n)} }

// Count returns a counter cell: raw integer, text with separators.
func Count(n int64) Cell { return Cell{Value: n, Text: HumanCount(n)} }

// Duration returns a duration cell: integer nanoseconds, human text. Name
// its column key with an "_ns" suffix.
func Duration(d time.Duration) Cell { return Cell{Value: d.Nanoseconds(), Text: HumanDuration(d)} }

// text returns what human formats print for c.
func (c Cell) text() string {
	if c.Text != "" || c.Value == nil {
		return c.Text
	}
	return fmt.Sprint(c.Value)
}

// Table is tabular data with a versioned schema name for JSON.
type Table struct {
	// Schema names the JSON document, e.g. "natsys.sys.connz/v1".
	Schema  string
	Columns []Column
	Rows    [][]Cell
	// Extra holds more top-level keys of the JSON document (servers, totals).
	Extra map[string]any
}

// Options configure a Printer.
type Options struct {
	Format Format
	// NoHeaders drops the header line in table, plain, md, csv and tsv.
	NoHeaders bool
	// Columns selects and orders columns by key (nil: all).
	Columns []string
	// Color allows ANSI colour (see ColorEnabled).
	Color bool
	// Terminal allows box-drawing characters (stdout is a terminal).
	Terminal bool
}

// Printer prints tables and values in one format.
type Printer interface {
	// Table prints a table.
	Table(t *Table) error
	// Value prints one document (json: indented; ndjson: one line;
	// human formats: the value's JSON on one line).
	Value(v any) error
}

// New returns the printer for o.Format writing to w.
func New(w io.Writer, o Options) (Printer, error) {
	switch o.Format {
	case FormatJSON, FormatNDJSON:
		return &jsonPrinter{w: w, o: o}, nil
	case FormatCSV, FormatTSV:
		return &delimPrinter{w: w, o: o}, nil
	case FormatTable, FormatPlain, FormatMarkdown, "":
		if o.Format == "" {
			o.Format = FormatPlain
		}
		return &humanPrinter{w: w, o: o}, nil
	}
	return nil, fmt.Errorf("output: unknown format %q", o.Format)
}

// selectColumns applies Options.Columns to t.
func selectColumns(t *Table, keys []string) ([]Column, [][]Cell, error) {
	if len(keys) == 0 {
		return t.Columns, t.Rows, nil
	}
	idx := make([]int, len(keys))
	cols := make([]Column, len(keys))
	for i, k := range keys {
		idx[i] = -1
		for j, c := range t.Columns {
			if strings.EqualFold(c.Key, k) {
				idx[i], cols[i] = j, c
			}
		}
		if idx[i] < 0 {
			var all []string
			for _, c := range t.Columns {
				all = append(all, c.Key)
			}
			return nil, nil, fmt.Errorf("unknown column %q (have %s)", k, strings.Join(all, ","))
		}
	}
	rows := make([][]Cell, len(t.Rows))
	for r, row := range t.Rows {
		rows[r] = make([]Cell, len(idx))
		for i, j := range idx {
			if j < len(row) {
				rows[r][i] = row[j]
			}
		}
	}
	return cols, rows, nil
}

type jsonPrinter struct {
	w io.Writer
	o Options
}

func (p *jsonPrinter) Table(t *Table) error {
	cols, rows, err := selectColumns(t, p.o.Columns)
	if err != nil {
		return err
	}
	objs := make([]map[string]any, len(rows))
	for r, row := range rows {
		m := make(map[string]any, len(cols))
		for i, c := range cols {
			m[c.Key] = row[i].Value
		}
		objs[r] = m
	}
	if p.o.Format == FormatNDJSON {
		for _, m := range objs {
			if err := p.Value(m); err != nil {
				return err
			}
		}
		return nil
	}
	doc := map[string]any{"rows": objs}
	if t.Schema != "" {
		doc["schema"] = t.Schema
	}
	for k, v := range t.Extra {
		doc[k] = v
	}
	return p.Value(doc)
}

func (p *jsonPrinter) Value(v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if p.o.Format == FormatJSON {
		enc.SetIndent("", "  ")
	}
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("output: encoding JSON: %w", err)
	}
	_, err := p.w.Write(buf.Bytes())
	return err
}

type delimPrinter struct {
	w io.Writer
	o Options
}

func (p *delimPrinter) Table(t *Table) error {
	cols, rows, err := selectColumns(t, p.o.Columns)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	cw := csv.NewWriter(&buf)
	if p.o.Format == FormatTSV {
		cw.Comma = '\t'
	}
	if !p.o.NoHeaders {
		h := make([]string, len(cols))
		for i, c := range cols {
			h[i] = c.Title
		}
		_ = cw.Write(h)
	}
	for _, row := range rows {
		rec := make([]string, len(row))
		for i, c := range row {
			if c.Value == nil {
				rec[i] = c.Text
			} else {
				rec[i] = fmt.Sprint(c.Value)
			}
		}
		_ = cw.Write(rec)
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("output: writing %s: %w", p.o.Format, err)
	}
	_, err = p.w.Write(buf.Bytes())
	return err
}

func (p *delimPrinter) Value(v any) error {
	return (&jsonPrinter{w: p.w, o: Options{Format: FormatNDJSON}}).Value(v)
}

type humanPrinter struct {
	w io.Writer
	o Options
}

func (p *humanPrinter) Value(v any) error {
	return (&jsonPrinter{w: p.w, o: Options{Format: FormatNDJSON}}).Value(v)
}

func (p *humanPrinter) Table(t *Table) error {
	cols, rows, err := selectColumns(t, p.o.Columns)
	if err != nil {
		return err
	}
	text := make([][]string, len(rows))
	for r, row := range rows {
		text[r] = make([]string, len(cols))
		for i := range cols {
			if i < len(row) {
				text[r][i] = row[i].text()
			}
		}
	}
	switch p.o.Format {
	case FormatMarkdown:
		return p.markdown(cols, text)
	case FormatTable:
		return p.boxed(cols, text)
	}
	return p.plain(cols, text)
}

func (p *humanPrinter) plain(cols []Column, rows [][]string) error {
	var buf bytes.Buffer
	tw := tabwriter.NewWriter(&buf, 0, 0, 2, ' ', 0)
	if !p.o.NoHeaders {
		h := make([]string, len(cols))
		for i, c := range cols {
			h[i] = c.Title
		}
		fmt.Fprintln(tw, strings.Join(h, "\t"))
	}
	for _, r := range rows {
		fmt.Fprintln(tw, strings.Join(r, "\t"))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	// tabwriter pads the last column too; trim trailing blanks per line.
	lines := strings.SplitAfter(buf.String(), "\n")
	var out strings.Builder
	for _, l := range lines {
		nl := strings.HasSuffix(l, "\n")
		out.WriteString(strings.TrimRight(l, " \n"))
		if nl {
			out.WriteByte('\n')
		}
	}
	_, err := io.WriteString(p.w, out.String())
	return err
}

func (p *humanPrinter) markdown(cols []Column, rows [][]string) error {
	var b strings.Builder
	esc := strings.NewReplacer("|", `\|`, "\n", " ")
	line := func(cells []string) {
		b.WriteString("|")
		for _, c := range cells {
			b.WriteString(" " + esc.Replace(c) + " |")
		}
		b.WriteString("\n")
	}
	h := make([]string, len(cols))
	sep := make([]string, len(cols))
	for i, c := range cols {
		h[i] = c.Title
		sep[i] = "---"
		if c.Right {
			sep[i] = "--:"
		}
	}
	line(h)
	b.WriteString("|")
	for _, s := range sep {
		b.WriteString(" " + s + " |")
	}
	b.WriteString("\n")
	for _, r := range rows {
		line(r)
	}
	_, err := io.WriteString(p.w, b.String())
	return err
}

func (p *humanPrinter) boxed(cols []Column, rows [][]string) error {
	style := tw.StyleASCII
	if p.o.Terminal {
		style = tw.StyleLight
	}
	aligns := make([]tw.Align, len(cols))
	for i, c := range cols {
		aligns[i] = tw.AlignLeft
		if c.Right {
			aligns[i] = tw.AlignRight
		}
	}
	var buf bytes.Buffer
	table := tablewriter.NewTable(&buf,
		tablewriter.WithRenderer(renderer.NewBlueprint(tw.Rendition{Symbols: tw.NewSymbols(style)})),
		tablewriter.WithHeaderAutoFormat(tw.Off),
		tablewriter.WithRowAutoWrap(tw.WrapNone),
		tablewriter.WithHeaderAlignment(tw.AlignLeft),
		tablewriter.WithRowAlignmentConfig(tw.CellAlignment{PerColumn: aligns}),
	)
	if !p.o.NoHeaders {
		h := make([]any, len(cols))
		for i, c := range cols {
			if p.o.Color {
				h[i] = ansiBold + c.Title + ansiReset
			} else {
				h[i] = c.Title
			}
		}
		table.Header(h...)
	}
	if err := table.Bulk(rows); err != nil {
		return fmt.Errorf("output: table: %w", err)
	}
	if err := table.Render(); err != nil {
		return fmt.Errorf("output: table: %w", err)
	}
	_, err := p.w.Write(buf.Bytes())
	return err
}

// ANSI sequences used when colour is enabled.
const (
	ansiBold  = "\x1b[1m"
	ansiReset = "\x1b[0m"
)
