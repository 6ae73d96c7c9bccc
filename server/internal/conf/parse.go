package conf

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Parser parses configuration text into a tree of values. The zero value
// reads variables from the process environment and included files from the
// file system.
type Parser struct {
	// LookupEnv resolves a variable that no enclosing map defines; nil
	// means os.LookupEnv.
	LookupEnv func(name string) (string, bool)
	// ReadFile reads an included file (and the main file for ParseFile);
	// nil means os.ReadFile.
	ReadFile func(name string) ([]byte, error)
}

// Parse parses configuration text with the default Parser. fileName is
// used in positions and is the base for relative include paths.
func Parse(data, fileName string) (*Map, error) {
	var p Parser
	return p.Parse(data, fileName)
}

// ParseFile reads and parses the configuration file at path with the
// default Parser.
func ParseFile(path string) (*Map, error) {
	var p Parser
	return p.ParseFile(path)
}

// ParseFile reads and parses the configuration file at path. Positions
// carry path as given, never made absolute, as nats-server prints them.
func (p *Parser) ParseFile(path string) (*Map, error) {
	data, err := p.readFile(path)
	if err != nil {
		return nil, &Error{Kind: KindRead, Pos: Pos{File: path}, Err: err}
	}
	return p.Parse(string(data), path)
}

// Parse parses configuration text. fileName is used in positions and is
// the base for relative include paths. Errors are *Error.
func (p *Parser) Parse(data, fileName string) (*Map, error) {
	ps := &parseState{cfg: p, file: fileName}
	if fileName != "" {
		ps.includes = []string{absPath(fileName)}
	}
	return ps.run(data)
}

func (p *Parser) readFile(name string) ([]byte, error) {
	if p.ReadFile != nil {
		return p.ReadFile(name)
	}
	return os.ReadFile(name)
}

func (p *Parser) lookupEnv(name string) (string, bool) {
	if p.LookupEnv != nil {
		return p.LookupEnv(name)
	}
	return os.LookupEnv(name)
}

// absPath returns an absolute form of a file name, to recognise an include
// loop however the paths are spelled.
func absPath(name string) string {
	if abs, err := filepath.Abs(name); err == nil {
		return abs
	}
	return filepath.Clean(name)
}

// keyRef is a key waiting for its value.
type keyRef struct {
	name string
	pos  Pos
}

// frame is an open map or array.
type frame struct {
	m   *Map
	arr *Value
}

// parseState parses one text: the main file, an included file or the value
// of an environment variable.
type parseState struct {
	cfg      *Parser
	file     string
	includes []string // absolute paths of the files being parsed, outermost first
	envChain []string // environment variables being parsed, outermost first

	lx     *lexer
	keys   []keyRef
	frames []frame
}

// run parses data. Like nats-server, it keeps a stack of keys and a stack of
// open maps and arrays; a value pops the latest key when it lands in a map.
// A key left without a value therefore pairs with a later value, which is
// what the reference does with such input.
func (ps *parseState) run(data string) (*Map, error) {
	ps.lx = newLexer(data)
	root := newMap()
	ps.frames = []frame{{m: root}}
	var prev item
	for {
		it := ps.lx.nextItem()
		switch it.typ {
		case itemError:
			return nil, syntaxError(ps.pos(it), it.val)
		case itemEOF:
			// A trailing key without a value is an error; a key spelled
			// "}" is tolerated, as by the reference.
			if prev.typ == itemKey && prev.val != "}" {
				return nil, &Error{Kind: KindNoValue, Pos: ps.pos(it)}
			}
			return root, nil
		}
		if err := ps.process(it); err != nil {
			return nil, err
		}
		prev = it
	}
}

func (ps *parseState) pos(it item) Pos {
	return Pos{File: ps.file, Line: it.line, Col: it.col}
}

// process handles one item other than EOF and errors.
func (ps *parseState) process(it item) error {
	switch it.typ {
	case itemKey:
		ps.keys = append(ps.keys, keyRef{name: it.val, pos: ps.pos(it)})
		return nil
	case itemString:
		return ps.setValue(&Value{Kind: KindString, Str: it.val, Raw: it.val, Form: it.form}, it)
	case itemBool:
		b := false
		switch strings.ToLower(it.val) {
		case "true", "yes", "on":
			b = true
		}
		return ps.setValue(&Value{Kind: KindBool, Bool: b, Raw: it.val}, it)
	case itemInteger:
		n, err := parseInteger(it.val, it.form == FormSized)
		if err != nil {
			return &Error{Kind: KindRange, Pos: ps.pos(it), Msg: fmt.Sprintf("integer '%s' is out of the range", it.val)}
		}
		return ps.setValue(&Value{Kind: KindInt, Int: n, Raw: it.val, Form: it.form}, it)
	case itemFloat:
		f, err := strconv.ParseFloat(it.val, 64)
		if err != nil {
			return &Error{Kind: KindRange, Pos: ps.pos(it), Msg: fmt.Sprintf("float '%s' is out of the range", it.val)}
		}
		return ps.setValue(&Value{Kind: KindFloat, Float: f, Raw: it.val}, it)
	case itemDatetime:
		t, err := time.Parse("2006-01-02T15:04:05Z", it.val)
		if err != nil {
			return &Error{Kind: KindDatetime, Pos: ps.pos(it), Msg: fmt.Sprintf("expected Zulu formatted DateTime, but got '%s'", it.val)}
		}
		return ps.setValue(&Value{Kind: KindTime, Time: t, Raw: it.val}, it)
	case itemArrayStart, itemMapStart:
		if len(ps.frames) > MaxNestingDepth {
			return &Error{Kind: KindLimit, Pos: ps.pos(it), Msg: fmt.Sprintf("maps and arrays nested deeper than %d", MaxNestingDepth)}
		}
		if it.typ == itemMapStart {
			ps.frames = append(ps.frames, frame{m: newMap()})
		} else {
			ps.frames = append(ps.frames, frame{arr: &Value{Kind: KindArray, Array: []*Value{}}})
		}
		return nil
	case itemArrayEnd, itemMapEnd:
		if len(ps.frames) < 2 {
			return &Error{Kind: KindInternal, Pos: ps.pos(it), Msg: "conf: unbalanced end of map or array"}
		}
		f := ps.frames[len(ps.frames)-1]
		ps.frames = ps.frames[:len(ps.frames)-1]
		v := f.arr
		if f.m != nil {
			v = &Value{Kind: KindMap, Map: f.m}
		}
		return ps.setValue(v, it)
	case itemVariable:
		if strings.HasPrefix(it.val, "2a$") {
			// An unquoted bcrypt hash is a string, not a variable.
			s := "$" + it.val
			return ps.setValue(&Value{Kind: KindString, Str: s, Raw: s}, it)
		}
		v, err := ps.resolve(it.val, ps.pos(it))
		if err != nil {
			return err
		}
		cp := *v
		cp.Var = it.val
		return ps.setValue(&cp, it)
	case itemInclude:
		return ps.include(it)
	}
	return &Error{Kind: KindInternal, Pos: ps.pos(it), Msg: fmt.Sprintf("conf: unexpected item type %d", it.typ)}
}

// setValue stores v in the innermost open array, or in the innermost open
// map under the latest pending key.
func (ps *parseState) setValue(v *Value, it item) error {
	f := ps.frames[len(ps.frames)-1]
	if f.arr != nil {
		v.Pos = ps.pos(it)
		f.arr.Array = append(f.arr.Array, v)
		return nil
	}
	if len(ps.keys) == 0 {
		return &Error{Kind: KindInternal, Pos: ps.pos(it), Msg: "conf: value without a key"}
	}
	k := ps.keys[len(ps.keys)-1]
	ps.keys = ps.keys[:len(ps.keys)-1]
	v.Pos = k.pos
	f.m.set(&Entry{Key: k.name, KeyPos: k.pos, Value: v})
	return nil
}

// sizeMultipliers maps a lower-cased size suffix to its multiplier.
var sizeMultipliers = map[string]int64{
	"k": 1e3, "kb": 1 << 10, "ki": 1 << 10, "kib": 1 << 10,
	"m": 1e6, "mb": 1 << 20, "mi": 1 << 20, "mib": 1 << 20,
	"g": 1e9, "gb": 1 << 30, "gi": 1 << 30, "gib": 1 << 30,
	"t": 1e12, "tb": 1 << 40, "ti": 1 << 40, "tib": 1 << 40,
	"p": 1e15, "pb": 1 << 50, "pi": 1 << 50, "pib": 1 << 50,
	"e": 1e18, "eb": 1 << 60, "ei": 1 << 60, "eib": 1 << 60,
}

// parseInteger converts an integer item. A sized integer is multiplied by
// its suffix; like nats-server, the product wraps around on overflow.
func parseInteger(s string, sized bool) (int64, error) {
	if !sized {
		return strconv.ParseInt(s, 10, 64)
	}
	i := len(s)
	for i > 0 && !isDigit(rune(s[i-1])) {
		i--
	}
	n, err := strconv.ParseInt(s[:i], 10, 64)
	if err != nil {
		return 0, err
	}
	mul, ok := sizeMultipliers[strings.ToLower(s[i:])]
	if !ok {
		return 0, fmt.Errorf("conf: unknown size suffix %q", s[i:])
	}
	return n * mul, nil
}

// resolve returns the value of variable name: the latest definition in the
// innermost enclosing map that has one, else the environment variable,
// parsed as a configuration value.
func (ps *parseState) resolve(name string, pos Pos) (*Value, error) {
	for i := len(ps.frames) - 1; i >= 0; i-- {
		m := ps.frames[i].m
		if m == nil {
			continue
		}
		if e, ok := m.Get(name); ok {
			e.Used = true
			return e.Value, nil
		}
	}
	text, ok := ps.cfg.lookupEnv(name)
	if !ok {
		return nil, variableNotFound(name, pos)
	}
	v, err := ps.parseEnv(name, text, pos)
	if err != nil {
		return nil, variableUnparsable(name, pos, err)
	}
	if v == nil {
		return nil, variableNotFound(name, pos)
	}
	return v, nil
}

// parseEnv parses the text of environment variable name as a value.
func (ps *parseState) parseEnv(name, text string, pos Pos) (*Value, error) {
	if slices.Contains(ps.envChain, name) {
		return nil, variableCycle(name, pos)
	}
	if len(ps.envChain) >= MaxVariableDepth {
		return nil, &Error{Kind: KindLimit, Pos: pos, Msg: fmt.Sprintf("variables chained deeper than %d", MaxVariableDepth)}
	}
	sub := &parseState{
		cfg:      ps.cfg,
		includes: ps.includes,
		envChain: append(slices.Clip(ps.envChain), name),
	}
	m, err := sub.run(envValueKey + "=" + text)
	if err != nil {
		return nil, err
	}
	e, ok := m.Get(envValueKey)
	if !ok {
		return nil, nil
	}
	placeAt(e.Value, pos)
	return e.Value, nil
}

// placeAt gives every value of a tree parsed from an environment variable
// the position of the reference to that variable.
func placeAt(v *Value, pos Pos) {
	v.Pos = pos
	for _, e := range v.Array {
		placeAt(e, pos)
	}
	if v.Map != nil {
		for _, e := range v.Map.entries {
			e.KeyPos = pos
			placeAt(e.Value, pos)
		}
	}
}

// include parses the file named by an include item and merges its pairs
// into the innermost open map.
func (ps *parseState) include(it item) error {
	pos := ps.pos(it)
	// Joined even when absolute, as nats-server does.
	full := filepath.Join(filepath.Dir(ps.file), it.val)
	if len(ps.includes) > MaxIncludeDepth {
		return includeError(it.val, pos, &Error{Kind: KindLimit, Pos: pos, Msg: fmt.Sprintf("includes nested deeper than %d", MaxIncludeDepth)})
	}
	abs := absPath(full)
	if slices.Contains(ps.includes, abs) {
		return includeError(it.val, pos, &Error{Kind: KindLimit, Pos: pos, Msg: fmt.Sprintf("include loop: %s is already being parsed", full)})
	}
	data, err := ps.cfg.readFile(full)
	if err != nil {
		return includeError(it.val, pos, err)
	}
	sub := &parseState{cfg: ps.cfg, file: full, includes: append(slices.Clip(ps.includes), abs)}
	m, err := sub.run(string(data))
	if err != nil {
		return includeError(it.val, pos, err)
	}
	f := ps.frames[len(ps.frames)-1]
	if f.m == nil {
		return &Error{Kind: KindInternal, Pos: pos, Msg: "conf: include inside an array"}
	}
	for _, e := range m.entries {
		f.m.set(e)
	}
	return nil
}
