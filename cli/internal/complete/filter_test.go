package complete

import (
	"reflect"
	"testing"
)

func TestFilter(t *testing.T) {
	in := []string{"b.x", "a.y", "_INBOX.abc", "$SYS.REQ.X", "_R_.z", "a.y", "c"}
	for _, tt := range []struct {
		prefix string
		want   []string
	}{
		{"", []string{"a.y", "b.x", "c"}},
		{"a", []string{"a.y"}},
		{"_", []string{"_INBOX.abc", "_R_.z"}},
		{"$", []string{"$SYS.REQ.X"}},
	} {
		if got := filter(in, tt.prefix); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("filter(%q) = %q, want %q", tt.prefix, got, tt.want)
		}
	}
}
