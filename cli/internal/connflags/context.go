package connflags

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Context is a natscli context file ($XDG_CONFIG_HOME/nats/context/NAME.json),
// read as natscli v0.5 writes it. Unknown keys are ignored.
type Context struct {
	Description          string `json:"description"`
	URL                  string `json:"url"`
	SocksProxy           string `json:"socks_proxy"`
	Token                string `json:"token"`
	User                 string `json:"user"`
	Password             string `json:"password"`
	Creds                string `json:"creds"`
	NKey                 string `json:"nkey"`
	Cert                 string `json:"cert"`
	Key                  string `json:"key"`
	CA                   string `json:"ca"`
	NSC                  string `json:"nsc"`
	JetStreamDomain      string `json:"jetstream_domain"`
	JetStreamAPIPrefix   string `json:"jetstream_api_prefix"`
	JetStreamEventPrefix string `json:"jetstream_event_prefix"`
	InboxPrefix          string `json:"inbox_prefix"`
	UserJWT              string `json:"user_jwt"`
	UserSeed             string `json:"user_seed"`
	ColorScheme          string `json:"color_scheme"`
	TLSFirst             bool   `json:"tls_first"`
}

// ErrNoContext reports that the named context file does not exist.
var ErrNoContext = errors.New("connflags: unknown context")

// ConfigDir returns natscli's configuration folder: $XDG_CONFIG_HOME/nats, or
// $HOME/.config/nats. It returns "" when neither variable is set.
func ConfigDir(getenv func(string) string) string {
	if x := getenv("XDG_CONFIG_HOME"); x != "" {
		return filepath.Join(x, "nats")
	}
	if h := getenv("HOME"); h != "" {
		return filepath.Join(h, ".config", "nats")
	}
	return ""
}

// validContextName rejects names that would escape the context folder.
func validContextName(name string) error {
	if name == "" || name == "." || name == ".." || strings.ContainsAny(name, `/\`) ||
		strings.HasPrefix(name, ".") {
		return fmt.Errorf("invalid context name %q", name)
	}
	return nil
}

// SelectedContext returns the name stored in DIR/context.txt, or "" when
// there is none.
func SelectedContext(dir string) (string, error) {
	if dir == "" {
		return "", nil
	}
	b, err := os.ReadFile(filepath.Join(dir, "context.txt"))
	if errors.Is(err, os.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("reading selected context: %w", err)
	}
	return strings.TrimSpace(string(b)), nil
}

// LoadContext reads DIR/context/NAME.json.
func LoadContext(dir, name string) (*Context, error) {
	if err := validContextName(name); err != nil {
		return nil, err
	}
	if dir == "" {
		return nil, fmt.Errorf("%w %q: no configuration folder (HOME and XDG_CONFIG_HOME unset)", ErrNoContext, name)
	}
	path := filepath.Join(dir, "context", name+".json")
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%w %q (no file %s)", ErrNoContext, name, path)
	}
	if err != nil {
		return nil, fmt.Errorf("reading context %q: %w", name, err)
	}
	var c Context
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, fmt.Errorf("context %q: %s: invalid JSON: %w", name, path, err)
	}
	return &c, nil
}

// ContextNames lists the contexts saved in DIR/context (for shell
// completion), sorted; a missing folder gives none.
func ContextNames(dir string) ([]string, error) {
	if dir == "" {
		return nil, nil
	}
	entries, err := os.ReadDir(filepath.Join(dir, "context"))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("listing contexts: %w", err)
	}
	var names []string
	for _, e := range entries {
		name, ok := strings.CutSuffix(e.Name(), ".json")
		if ok && !e.IsDir() && validContextName(name) == nil {
			names = append(names, name)
		}
	}
	return names, nil
}
