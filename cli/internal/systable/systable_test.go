package systable

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/natsys/natsys/cli/internal/output"
)

func sample() *output.Table {
	return &output.Table{
		Columns: []output.Column{{Key: "name", Title: "Name"}, {Key: "in_msgs", Title: "In", Right: true}},
		Rows:    [][]output.Cell{{output.V("a"), output.Count(10)}, {output.V("b"), output.Count(5)}},
	}
}

func TestRender(t *testing.T) {
	kv := (&KV{}).Text("Version", "2.15.2").Add("Bytes", output.Bytes(2048))
	empty := &output.Table{Columns: []output.Column{{Key: "x", Title: "X"}}}
	tests := []struct {
		format output.Format
		view   *View
		want   []string
		absent []string
	}{
		{output.FormatPlain, (&View{Heading: "Head"}).Add("Main", sample()).Add("Empty", empty),
			[]string{"Name  In\na     10\nb     5\n"}, []string{"Head", "Main", "X"}},
		{output.FormatTable, (&View{Heading: "Head", Notes: []string{"note"}}).Add("Main", sample()),
			[]string{"Head\n\nMain\n", "| a    |", "\nnote\n"}, nil},
		{output.FormatPlain, (&View{}).AddKV("Process", kv),
			[]string{"Process:\n  Version: 2.15.2\n    Bytes: 2.0 KiB\n"}, nil},
		{output.FormatCSV, (&View{}).AddKV("Process", kv).AddKV("Other", (&KV{}).Text("K", "v")),
			[]string{"Section,Key,Value\nProcess,Version,2.15.2\nProcess,Bytes,2048\nOther,K,v\n"}, nil},
		{output.FormatCSV, (&View{}).Add("Main", sample()).Add("Second", sample()),
			[]string{"Name,In\na,10\nb,5\n"}, []string{"Second"}},
		{output.FormatMarkdown, (&View{}).Add("Main", sample()),
			[]string{"### Main\n\n| Name | In |\n| --- | --: |\n"}, nil},
	}
	for _, tt := range tests {
		var b bytes.Buffer
		if err := Render(&b, output.Options{Format: tt.format}, tt.view); err != nil {
			t.Fatal(err)
		}
		for _, w := range tt.want {
			if !strings.Contains(b.String(), w) {
				t.Errorf("%s: want %q in:\n%s", tt.format, w, b.String())
			}
		}
		for _, a := range tt.absent {
			if strings.Contains(b.String(), a) {
				t.Errorf("%s: %q should be absent:\n%s", tt.format, a, b.String())
			}
		}
	}
}

func TestRates(t *testing.T) {
	keys := []string{"a", "b"}
	first := sample()
	prev := AddRates(first, keys, nil, 0, RateSpec{Col: "in_msgs", Title: "Rate"})
	if got := first.Rows[0][2]; got.Value != nil || got.Text != "" {
		t.Errorf("first snapshot has a rate: %+v", got)
	}
	second := sample()
	second.Rows[0][1] = output.Count(30) // +20 in 2 s
	second.Rows[1][1] = output.Count(1)  // went down: restarted
	second.Rows = append(second.Rows, []output.Cell{output.V("c"), output.Count(7)})
	AddRates(second, append(keys, "c"), prev, 2*time.Second, RateSpec{Col: "in_msgs", Title: "Rate"})
	if v := second.Rows[0][2].Value; v != 10.0 {
		t.Errorf("rate of a = %v, want 10", v)
	}
	if second.Rows[0][2].Text != "10.0/s" {
		t.Errorf("text %q", second.Rows[0][2].Text)
	}
	if v := second.Rows[1][2].Value; v != 0.0 {
		t.Errorf("a counter that went down gives %v, want 0", v)
	}
	if v := second.Rows[2][2].Value; v != nil {
		t.Errorf("a new row has rate %v, want none", v)
	}
	if c := RateCell(2048, true); c.Text != "2.0 KiB/s" {
		t.Errorf("byte rate text %q", c.Text)
	}
}
