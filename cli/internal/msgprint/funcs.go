package msgprint

import (
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"text/template"
	"time"
)

// funcs are the extra functions available in --format templates.
var funcs = template.FuncMap{
	"base64": func(v any) string { return base64.StdEncoding.EncodeToString(toBytes(v)) },
	"hex":    func(v any) string { return hex.EncodeToString(toBytes(v)) },
	"json": func(v any) (string, error) {
		if b, ok := v.(Bytes); ok {
			v = string(b)
		}
		out, err := json.Marshal(v)
		return string(out), err
	},
	"unix":     func(t time.Time) int64 { return t.Unix() },
	"unixnano": func(t time.Time) int64 { return t.UnixNano() },
}

func toBytes(v any) []byte {
	switch x := v.(type) {
	case Bytes:
		return x
	case []byte:
		return x
	case string:
		return []byte(x)
	}
	return []byte(fmt.Sprint(v))
}
