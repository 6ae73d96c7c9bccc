package server_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
)

// defaultRefNats is where natscli is looked for when NATSYS_REF_NATS is not
// set (relative to $HOME).
const defaultRefNats = ".cache/natsys/ref/nats"

// refNatsPath returns natscli's path, skipping the test (reason logged)
// when it is missing.
func refNatsPath(t *testing.T) string {
	t.Helper()
	p := os.Getenv("NATSYS_REF_NATS")
	if p == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			t.Skipf("natscli not found: %v", err)
		}
		p = filepath.Join(home, defaultRefNats)
	}
	if st, err := os.Stat(p); err != nil || st.IsDir() {
		t.Skipf("natscli not found at %q (set NATSYS_REF_NATS or run make ref)", p)
	}
	return p
}

// runNats runs natscli as admin against url and returns its output and
// exit code.
func runNats(t *testing.T, bin, home, url string, args ...string) (string, int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	argv := append([]string{"-s", url, "--user", "admin", "--password", "changeit", "--timeout", "2s"}, args...)
	cmd := exec.CommandContext(ctx, bin, argv...)
	cmd.Env = append(os.Environ(), "HOME="+home, "XDG_CONFIG_HOME="+filepath.Join(home, ".config"), "NO_COLOR=1")
	out, err := cmd.CombinedOutput()
	code := 0
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			t.Fatalf("nats %v: %v", args, err)
		}
		code = ee.ExitCode()
	}
	return string(out), code
}

var (
	boxOnly   = regexp.MustCompile(`^[─│┌┐└┘├┤┬┴┼╭╮╰╯═\s]+$`)
	numberish = regexp.MustCompile(`[0-9][0-9.,]*\s*(ns|µs|us|ms|s|m|h|d|B|KiB|MiB|GiB|%)?`)
	spaces    = regexp.MustCompile(`\s+`)
)

// skeleton reduces natscli output to its structure: table titles, header
// columns and the number of cells of each row, the labels of "label: value"
// lines, and other text with numbers blanked.
func skeleton(out string) []string {
	var sk []string
	header := false
	for _, line := range strings.Split(serverIDRe.ReplaceAllString(out, "<id>"), "\n") {
		tl := strings.TrimSpace(line)
		switch {
		case tl == "":
			continue
		case boxOnly.MatchString(tl):
			if strings.HasPrefix(tl, "╭") || strings.HasPrefix(tl, "╰") {
				header = false
			}
			sk = append(sk, "border")
		case strings.Contains(tl, "│"):
			var cells []string
			for _, c := range strings.Split(strings.Trim(tl, "│"), "│") {
				cells = append(cells, strings.TrimSpace(c))
			}
			switch {
			case len(cells) == 1:
				sk = append(sk, "title: "+numberish.ReplaceAllString(cells[0], "N"))
			case !header:
				header = true
				sk = append(sk, "header: "+strings.Join(cells, "|"))
			default:
				sk = append(sk, "row: "+strings.Repeat("c", len(cells)))
			}
		case strings.Contains(tl, ": "):
			sk = append(sk, "label: "+strings.TrimSpace(tl[:strings.Index(tl, ": ")]))
		default:
			sk = append(sk, "text: "+spaces.ReplaceAllString(numberish.ReplaceAllString(tl, "N"), " "))
		}
	}
	return sk
}

// TestNatsCLI runs natscli v0.5.0 commands against our server and the
// reference (same config, same clients): each exits 0 and prints the same
// tables, columns, rows and labels; JSON replies have the same shape.
func TestNatsCLI(t *testing.T) {
	bin := refNatsPath(t)
	p := runPair(t, svcConf)
	both(p, func(url string) *nats.Conn { return connect(t, url, nats.UserInfo("a", "a"), nats.Name("app")) })
	home := t.TempDir()
	for _, args := range [][]string{
		{"server", "list"},
		{"server", "ping"},
		{"server", "info"},
		{"server", "info", "srv"},
		{"server", "req", "varz"},
		{"server", "req", "connections"},
		{"server", "req", "subscriptions"},
		{"server", "req", "accounts"},
		{"server", "req", "jetstream"},
		{"server", "report", "connections"},
		{"server", "report", "accounts"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			type res struct {
				out  string
				code int
			}
			o, r := both(p, func(url string) res {
				out, code := runNats(t, bin, home, url, args...)
				return res{out, code}
			})
			if r.code != 0 {
				t.Fatalf("reference exit %d: %s", r.code, r.out)
			}
			if o.code != 0 {
				t.Fatalf("exit %d: %s", o.code, o.out)
			}
			if strings.HasPrefix(strings.TrimSpace(r.out), "{") {
				sameShape(t, strings.Join(args, " "), []byte(o.out), []byte(r.out))
				return
			}
			if osk, rsk := skeleton(o.out), skeleton(r.out); !slices.Equal(osk, rsk) {
				t.Errorf("output differs from the reference\n ours: %q\n ref:  %q\n ours:\n%s\n reference:\n%s", osk, rsk, o.out, r.out)
			}
		})
	}
}
