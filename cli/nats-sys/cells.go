package main

import (
	"fmt"
	"math"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/natsys/natsys/client/sysapi"

	"github.com/natsys/natsys/cli/internal/output"
	"github.com/natsys/natsys/cli/internal/systable"
)

// Cells shared by the tables: raw values for json/csv, human text for
// tables. Column keys of durations end in "_ns".

func count[N int | int64 | uint64 | uint32 | int32](n N) output.Cell { return output.Count(int64(n)) }

func size[N int | int64 | uint64 | uint32](n N) output.Cell { return output.Bytes(int64(n)) }

// usize is a byte count the server sends as uint64, where the maximum
// means "no limit" (JetStream reservations).
func usize(n uint64) output.Cell {
	if n == math.MaxUint64 {
		return output.Cell{Value: n, Text: "unlimited"}
	}
	return output.Bytes(int64(n))
}

func text(s string) output.Cell { return output.V(s) }

func yesNo(b bool) output.Cell {
	if b {
		return output.Cell{Value: true, Text: "yes"}
	}
	return output.Cell{Value: false, Text: "no"}
}

func percent(f float64) output.Cell {
	return output.Cell{Value: f, Text: strconv.FormatFloat(f, 'f', 1, 64)}
}

func float(f float64, prec int) output.Cell {
	return output.Cell{Value: f, Text: strconv.FormatFloat(f, 'f', prec, 64)}
}

// dur is a duration cell: integer nanoseconds, human text.
func dur(d time.Duration) output.Cell { return output.Duration(d) }

// serverDur is a duration the server sent as text ("1m31s", "644µs"): the
// raw value is nanoseconds, the text is kept as sent. Unparsable text is
// shown as is with no raw value.
func serverDur(s string) output.Cell {
	if s == "" {
		return output.Cell{}
	}
	d, err := sysapi.ParseUptime(s)
	if err != nil {
		d, err = time.ParseDuration(s)
	}
	if err != nil {
		return output.Cell{Text: s}
	}
	return output.Cell{Value: d.Nanoseconds(), Text: s}
}

// when is a timestamp cell: RFC 3339 in JSON, "2006-01-02 15:04:05" in tables.
func when(t time.Time) output.Cell {
	if t.IsZero() {
		return output.Cell{}
	}
	return output.Cell{Value: t.UTC().Format(time.RFC3339Nano), Text: t.UTC().Format(time.DateTime)}
}

// hostPort joins an address without ever shortening it.
func hostPort(ip string, port int) string {
	if ip == "" {
		return ""
	}
	return net.JoinHostPort(ip, strconv.Itoa(port))
}

// list joins strings for one cell: "a, b" in tables, "a,b" raw.
func list(items []string) output.Cell {
	return output.Cell{Value: strings.Join(items, ","), Text: strings.Join(items, ", ")}
}

// col is shorthand for a column.
func col(key, title string) output.Column { return output.Column{Key: key, Title: title} }

// num is shorthand for a right-aligned column.
func num(key, title string) output.Column { return output.Column{Key: key, Title: title, Right: true} }

// plural returns "1 server" / "2 servers".
func plural(n int, what string) string {
	switch {
	case n == 1:
		return fmt.Sprintf("%d %s", n, what)
	case strings.HasSuffix(what, "y"):
		return fmt.Sprintf("%d %sies", n, strings.TrimSuffix(what, "y"))
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// trafficRates are the rate columns of tables with in/out counters.
func trafficRates() []systable.RateSpec {
	return []systable.RateSpec{
		{Col: "in_msgs", Title: "Msgs/s In"}, {Col: "out_msgs", Title: "Msgs/s Out"},
		{Col: "in_bytes", Title: "Bytes/s In", Bytes: true}, {Col: "out_bytes", Title: "Bytes/s Out", Bytes: true},
	}
}
