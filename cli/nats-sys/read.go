package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/natsys/natsys/client/sys"

	"github.com/natsys/natsys/cli/internal/cmdutil"
	"github.com/natsys/natsys/cli/internal/exit"
	"github.com/natsys/natsys/cli/internal/output"
	"github.com/natsys/natsys/cli/internal/systable"
)

// frame is one snapshot produced by a read command.
type frame struct {
	// view is what the human formats (and csv/tsv) print.
	view *systable.View
	// raw holds the server replies as received; json and ndjson print them
	// one per line when doc is nil.
	raw [][]byte
	// doc is the versioned schema document of reports, printed by json
	// (one document) and ndjson (one row per line).
	doc *output.Table
	// keys are the row keys of the main table, used for --watch rates.
	keys []string
	// rates are the counter columns that get a per-second rate column.
	rates []systable.RateSpec
	// text, when set, replaces the view in the table and plain formats.
	text []string
	// warnings are printed on stderr (failed replies).
	warnings []string
	// err is the exit error of a partial result, returned after printing.
	err error
}

// fetcher produces one frame; ctx carries the --timeout deadline.
type fetcher func(ctx context.Context, s *session) (*frame, error)

// runRead opens a session and prints one frame, or one per --watch interval.
func (g *globalOptions) runRead(ctx context.Context, w watchFlags, fetch fetcher) error {
	s, err := g.open(ctx)
	if err != nil {
		return err
	}
	defer s.close()
	if w.every == 0 {
		fr, err := s.fetch(ctx, fetch)
		if err != nil {
			return err
		}
		return s.print(fr, false)
	}
	return s.watch(ctx, w, fetch)
}

// fetch runs fetch under the --timeout deadline and classifies its error.
func (s *session) fetch(ctx context.Context, fetch fetcher) (*frame, error) {
	rctx, cancel := s.timeout(ctx)
	defer cancel()
	fr, err := fetch(rctx, s)
	if err != nil {
		return nil, s.callError(rctx, err)
	}
	return fr, nil
}

// print writes fr to stdout and its warnings to stderr, and returns its
// partial-result error.
func (s *session) print(fr *frame, watching bool) error {
	w := s.g.f.IO.Out
	switch s.out.Format {
	case output.FormatJSON, output.FormatNDJSON:
		if fr.doc != nil {
			if err := s.printDoc(fr.doc, watching); err != nil {
				return err
			}
		} else if err := writeLines(w, fr.raw); err != nil {
			return err
		}
	default:
		if fr.text != nil {
			if _, err := io.WriteString(w, strings.Join(fr.text, "\n")+"\n"); err != nil {
				return err
			}
		} else if fr.view != nil && len(fr.view.Sections) > 0 {
			if err := checkColumns(fr.view.Sections[0].Table, s.out.Columns); err != nil {
				return exit.WithCode(exit.Usage, err)
			}
			if err := systable.Render(w, s.out, fr.view); err != nil {
				return err
			}
		}
	}
	for _, line := range fr.warnings {
		fmt.Fprintf(s.g.f.IO.Err, "%s: %s\n", s.g.f.Prog, line)
	}
	return fr.err
}

// printDoc prints a schema document; under --watch json becomes one
// compact line per snapshot with a "ts" field.
func (s *session) printDoc(doc *output.Table, watching bool) error {
	if !watching {
		if err := checkColumns(doc, s.out.Columns); err != nil {
			return exit.WithCode(exit.Usage, err)
		}
		return s.printer(s.out.Format).Table(doc)
	}
	if doc.Extra == nil {
		doc.Extra = map[string]any{}
	}
	doc.Extra["ts"] = s.now().UTC().Format(time.RFC3339Nano)
	if s.out.Format == output.FormatNDJSON {
		return s.printer(output.FormatNDJSON).Table(doc)
	}
	var b bytes.Buffer
	p, err := output.New(&b, output.Options{Format: output.FormatJSON, Columns: s.out.Columns})
	if err != nil {
		return err
	}
	if err := p.Table(doc); err != nil {
		return exit.WithCode(exit.Usage, err)
	}
	var c bytes.Buffer
	if err := json.Compact(&c, b.Bytes()); err != nil {
		return err
	}
	c.WriteByte('\n')
	_, err = s.g.f.IO.Out.Write(c.Bytes())
	return err
}

// printer returns a printer of format f with the session's options.
func (s *session) printer(f output.Format) output.Printer {
	o := s.out
	o.Format = f
	p, err := output.New(s.g.f.IO.Out, o)
	if err != nil {
		panic(err) // formats are validated when the session opens
	}
	return p
}

// checkColumns validates --columns against the keys of t.
func checkColumns(t *output.Table, cols []string) error {
	if t == nil {
		return nil
	}
	for _, c := range cols {
		found := false
		for _, tc := range t.Columns {
			if strings.EqualFold(tc.Key, c) {
				found = true
				break
			}
		}
		if !found {
			keys := make([]string, len(t.Columns))
			for i, tc := range t.Columns {
				keys[i] = tc.Key
			}
			return fmt.Errorf("--columns: unknown column %q (have %s)", c, strings.Join(keys, ","))
		}
	}
	return nil
}

// watch prints a frame every interval until Ctrl-C or --watch-count,
// redrawing on a terminal and appending snapshots otherwise.
func (s *session) watch(ctx context.Context, w watchFlags, fetch fetcher) error {
	human := s.out.Format != output.FormatJSON && s.out.Format != output.FormatNDJSON
	redraw := human && s.g.f.IO.OutTTY && s.out.Terminal
	var prev systable.Counters
	var last time.Time
	var lastErr error
	ticker := time.NewTicker(w.every)
	defer ticker.Stop()
	for n := 0; w.count == 0 || n < w.count; n++ {
		if n > 0 {
			select {
			case <-ctx.Done():
				return nil
			case <-ticker.C:
			}
		}
		at := s.now()
		fr, err := s.fetch(ctx, fetch)
		switch {
		case cmdutil.Interrupted(ctx):
			return nil
		case err != nil && fatal(err):
			return err
		case err != nil:
			lastErr = err
			fmt.Fprintf(s.g.f.IO.Err, "%s: %v\n", s.g.f.Prog, err)
			continue
		}
		if t := s.rateTable(fr); t != nil && len(fr.rates) > 0 {
			var elapsed time.Duration
			if !last.IsZero() {
				elapsed = at.Sub(last)
			}
			prev = systable.AddRates(t, fr.keys, prev, elapsed, fr.rates...)
		}
		last = at
		switch {
		case redraw:
			fmt.Fprintf(s.g.f.IO.Out, "%sEvery %s: %s    %s\n\n", systable.ClearScreen, w.every, s.g.f.Prog, at.Format(time.DateTime))
		case human && n > 0:
			fmt.Fprintln(s.g.f.IO.Out)
		}
		lastErr = s.print(fr, true)
		if lastErr != nil {
			if exit.IsClosedPipe(lastErr) || fatal(lastErr) {
				return lastErr
			}
			fmt.Fprintf(s.g.f.IO.Err, "%s: %v\n", s.g.f.Prog, lastErr)
		}
	}
	return lastErr
}

// rateTable is the table that gets the rate columns: the JSON document of a
// report in the json formats, else the view's main table.
func (s *session) rateTable(fr *frame) *output.Table {
	if fr.doc != nil && (s.out.Format == output.FormatJSON || s.out.Format == output.FormatNDJSON) {
		return fr.doc
	}
	if fr.view != nil && len(fr.view.Sections) > 0 {
		return fr.view.Sections[0].Table
	}
	return nil
}

// fatal reports whether a --watch loop must stop on err.
func fatal(err error) bool {
	switch exit.Code(err) {
	case exit.Usage, exit.NoConnection, exit.NotAuthorized, exit.Interrupted:
		return true
	}
	return false
}

// endpointFrame builds the frame of a raw endpoint: view from the
// successful replies, the raw replies for JSON, failed replies as warnings
// (exit 1) and missing servers (exit 3). skip marks failed replies that the
// view already shows (JetStream not enabled).
func endpointFrame[T any](res *sys.Result[T], view *systable.View, skip func(*sys.Reply[T]) bool) *frame {
	fr := &frame{view: view, raw: rawLines(res)}
	fr.warnings = replyFailures(res, skip)
	cov := coverageOf(res).err()
	switch {
	case len(fr.warnings) > 0:
		failed := len(fr.warnings)
		if cov != nil {
			fr.warnings = append(fr.warnings, cov.Error())
		}
		fr.err = exit.FailedErrorf("%d of %d servers replied with an error", failed, len(res.Replies))
	default:
		fr.err = cov
	}
	return fr
}

// okReplies returns the replies that carry data.
func okReplies[T any](res *sys.Result[T]) []*sys.Reply[T] {
	var out []*sys.Reply[T]
	for i := range res.Replies {
		if res.Replies[i].OK() && res.Replies[i].Data != nil {
			out = append(out, &res.Replies[i])
		}
	}
	return out
}
