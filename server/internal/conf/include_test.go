package conf

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// writeFiles creates files (path relative to dir -> content) under dir.
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// The expectations in this file were observed with the reference binary,
// run from the directory holding the files (`nats-server -t -c main.conf`).

func TestIncludeNested(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"main.conf": "port: 4222\ninclude ./sub/inc.conf\nmax_payload: $v\n" +
			"authorization {\n  include sub/users.conf\n}\n",
		"sub/inc.conf":   "debug: true\ninclude \"inc2.conf\"\nv: 5\n",
		"sub/inc2.conf":  "trace: yes\n",
		"sub/users.conf": "user: a\npassword: b\n",
	})
	t.Chdir(dir)
	m, err := ParseFile("main.conf")
	if err != nil {
		t.Fatal(err)
	}
	want := `{port@1:0=4222, debug@1:0=true, trace@1:0=true, v*@3:1=5, max_payload@3:1=5, ` +
		`authorization@4:1={user@1:0="a", password@2:1="b"}}`
	if got := render(m); got != want {
		t.Errorf("tree\n got: %s\nwant: %s", got, want)
	}
	// Positions of included pairs name the included file, joined with
	// the directory of the file that includes it.
	files := map[string]string{}
	for _, e := range m.Entries() {
		files[e.Key] = e.KeyPos.File
	}
	auth, _ := m.Get("authorization")
	user, _ := auth.Value.Map.Get("user")
	files["user"] = user.KeyPos.File
	wantFiles := map[string]string{
		"port": "main.conf", "debug": "sub/inc.conf", "trace": "sub/inc2.conf", "v": "sub/inc.conf",
		"max_payload": "main.conf", "authorization": "main.conf", "user": "sub/users.conf",
	}
	for k, f := range wantFiles {
		if files[k] != f {
			t.Errorf("file of %q = %q, want %q", k, files[k], f)
		}
	}
	// Observed: configuration file main.conf is valid (sha256:7e85...).
	dg, err := m.Digest()
	if err != nil {
		t.Fatal(err)
	}
	if want := "sha256:7e85d9a219f835c1391d8d9a6b31d38bba0b903e256ba6f7e8758e98021c1360"; dg != want {
		t.Errorf("Digest = %s, want %s", dg, want)
	}
}

func TestIncludeErrors(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"missing.conf":        "include nothere.conf\n",
		"conf.d/missing.conf": "include nothere.conf\n",
		"bad.conf":            "include ./sub/bad.conf\n",
		"sub/bad.conf":        "a: 1\n\nzz {\n",
		"usevar.conf":         "x: 1\ninclude usex.conf\n",
		"usex.conf":           "port: $x\n",
		"abs.conf":            "include " + filepath.Join(dir, "sub", "bad.conf") + "\n",
		"self.conf":           "a: 1\ninclude self.conf\n",
		"loop1.conf":          "include loop2.conf\n",
		"loop2.conf":          "include ./loop1.conf\n",
		"dir.conf":            "include \"\"\n",
	})
	t.Chdir(dir)
	tests := []struct {
		file, want string
	}{
		{"missing.conf", "error parsing include file 'nothere.conf', open nothere.conf: no such file or directory"},
		{"conf.d/missing.conf", "error parsing include file 'nothere.conf', open conf.d/nothere.conf: no such file or directory"},
		{"bad.conf", "error parsing include file './sub/bad.conf', Parse error on line 4: 'Unexpected EOF processing map.'"},
		// An included file does not see the variables of the file that
		// includes it.
		{"usevar.conf", "error parsing include file 'usex.conf', variable reference for 'x' on line 1 can not be found"},
		// The reference joins even an absolute path to the directory of
		// the including file.
		{"abs.conf", "error parsing include file '" + filepath.Join(dir, "sub", "bad.conf") + "', open " +
			strings.TrimPrefix(filepath.Join(dir, "sub", "bad.conf"), "/") + ": no such file or directory"},
		{"dir.conf", "error parsing include file '', read .: is a directory"},
		// The reference crashes on loops; natsys reports them.
		{"self.conf", "error parsing include file 'self.conf', self.conf:2:9: include loop: self.conf is already being parsed"},
		{"loop1.conf", "error parsing include file 'loop2.conf', error parsing include file './loop1.conf', " +
			"loop2.conf:1:8: include loop: loop1.conf is already being parsed"},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			_, err := ParseFile(tc.file)
			if err == nil {
				t.Fatal("no error")
			}
			if err.Error() != tc.want {
				t.Errorf("error\n got: %q\nwant: %q", err.Error(), tc.want)
			}
		})
	}
}

func TestIncludeDepthLimit(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{}
	for i := 0; i <= MaxIncludeDepth+1; i++ {
		n := strconv.Itoa(i)
		files["f"+n+".conf"] = "k" + n + ": 1\ninclude f" + strconv.Itoa(i+1) + ".conf\n"
	}
	writeFiles(t, dir, files)
	_, err := ParseFile(filepath.Join(dir, "f0.conf"))
	var ce *Error
	if !errors.As(err, &ce) {
		t.Fatalf("error %v is not *Error", err)
	}
	// Unwrap down to the innermost error: the limit.
	inner := ce
	for inner.Kind == KindInclude {
		if !errors.As(inner.Err, &inner) {
			t.Fatalf("include error wraps %T", inner.Err)
		}
	}
	if inner.Kind != KindLimit || !strings.Contains(inner.Msg, "includes nested deeper than 16") {
		t.Errorf("innermost error = %v (kind %d), want the include depth limit", inner, inner.Kind)
	}
	if n := strings.Count(err.Error(), "error parsing include file"); n != MaxIncludeDepth+1 {
		t.Errorf("%d levels of include errors, want %d", n, MaxIncludeDepth+1)
	}
}

// TestIncludeSameFileTwice checks that including a file twice (not in a
// loop) is fine: the later pairs override the earlier ones.
func TestIncludeSameFileTwice(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"main.conf": "include k.conf\nk: 2\ninclude k.conf\nm { include k.conf }\n",
		"k.conf":    "k: 1\n",
	})
	m, err := ParseFile(filepath.Join(dir, "main.conf"))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := render(m), "{k@1:0=1, m@4:1={k@1:0=1}}"; got != want {
		t.Errorf("tree\n got: %s\nwant: %s", got, want)
	}
}

func TestParseFileMissing(t *testing.T) {
	t.Chdir(t.TempDir())
	_, err := ParseFile("nothere.conf")
	// Observed: nats-server: open nothere.conf: no such file or directory
	if err == nil || err.Error() != "open nothere.conf: no such file or directory" {
		t.Fatalf("error = %v", err)
	}
	var ce *Error
	if !errors.As(err, &ce) || ce.Kind != KindRead || !errors.Is(err, os.ErrNotExist) {
		t.Errorf("error %#v: want *Error of KindRead wrapping os.ErrNotExist", err)
	}
}

// TestParserReadFile checks that includes go through Parser.ReadFile.
func TestParserReadFile(t *testing.T) {
	fs := map[string]string{"etc/main.conf": "include users.conf\n", "etc/users.conf": "user: a\n"}
	p := Parser{
		LookupEnv: noEnv,
		ReadFile: func(name string) ([]byte, error) {
			s, ok := fs[name]
			if !ok {
				return nil, &os.PathError{Op: "open", Path: name, Err: os.ErrNotExist}
			}
			return []byte(s), nil
		},
	}
	m, err := p.ParseFile("etc/main.conf")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := render(m), `{user@1:0="a"}`; got != want {
		t.Errorf("tree = %s, want %s", got, want)
	}
}
