package conf

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The lexer turns configuration text into a stream of items. It is a state
// machine: each state is a function that consumes some input, may emit items,
// and returns the next state. States that lex a value return to the state on
// top of a small stack, which says how the enclosing construct (top level,
// top-level braces, map or array) continues after the value.
//
// The behaviour, quirks included, reproduces what nats-server v2.15.2 does
// with the same text (checked by comparing both on hundreds of thousands of
// generated inputs); the table tests pin down the observed cases.

// itemType identifies the kind of a lexed item.
type itemType uint8

const (
	itemError itemType = iota
	itemEOF
	itemKey
	itemString
	itemBool
	itemInteger
	itemFloat
	itemDatetime
	itemVariable
	itemArrayStart
	itemArrayEnd
	itemMapStart
	itemMapEnd
	itemInclude
)

// item is one lexed token. line and col follow the reference's convention
// (see Pos). For itemInteger, sized tells whether a unit suffix followed the
// digits; for itemString, form tells how the string was written.
type item struct {
	typ  itemType
	val  string
	line int
	col  int
	form Form
}

// eof is returned by next at the end of the input. A NUL byte in the input
// reads as the same rune, as in the reference.
const eof = 0

type stateFn func(lx *lexer) stateFn

type lexer struct {
	input string
	start int // start of the current token
	pos   int // next byte to read
	width int // width of the last rune read, for backup

	line   int // current line, 1-based
	lastNL int // byte offset of the last '\n' read (0 before the first)
	tokNL  int // lastNL when the current token started

	state stateFn
	stack []stateFn
	items []item
	head  int

	parts []string // pieces of a string whose escapes were decoded
	form  Form     // form of the string being lexed

	blockDepth int // nesting of braces wrapping the top level
	digits     int // digits read by lexNumber
}

func newLexer(input string) *lexer {
	return &lexer{input: input, line: 1, state: lexTop}
}

// nextItem runs the state machine until it has an item and returns it. After
// an error or EOF item it keeps returning EOF items.
func (lx *lexer) nextItem() item {
	for lx.head == len(lx.items) {
		if lx.state == nil {
			return item{typ: itemEOF, line: lx.line, col: lx.pos - lx.tokNL}
		}
		lx.items = lx.items[:0]
		lx.head = 0
		lx.state = lx.state(lx)
	}
	it := lx.items[lx.head]
	lx.head++
	return it
}

func (lx *lexer) push(s stateFn) { lx.stack = append(lx.stack, s) }

func (lx *lexer) pop() stateFn {
	if len(lx.stack) == 0 {
		return lx.errorf("BUG in lexer: no states to pop")
	}
	s := lx.stack[len(lx.stack)-1]
	lx.stack = lx.stack[:len(lx.stack)-1]
	return s
}

func (lx *lexer) next() rune {
	if lx.pos >= len(lx.input) {
		lx.width = 0
		return eof
	}
	r, w := utf8.DecodeRuneInString(lx.input[lx.pos:])
	lx.width = w
	lx.pos += w
	if r == '\n' {
		lx.line++
		lx.lastNL = lx.pos - 1
	}
	return r
}

// backup steps back over the last rune read; only one step is possible.
func (lx *lexer) backup() {
	lx.pos -= lx.width
	if lx.width == 1 && lx.input[lx.pos] == '\n' {
		lx.line--
	}
}

func (lx *lexer) peek() rune {
	r := lx.next()
	lx.backup()
	return r
}

// ignore drops the text read so far from the current token.
func (lx *lexer) ignore() {
	lx.start = lx.pos
	lx.tokNL = lx.lastNL
}

// emit queues an item whose value is the decoded pieces plus the text of the
// current token. The column is computed like the reference does: from the
// end of the token back by the length of the decoded value, relative to the
// line start seen when the token began.
func (lx *lexer) emit(typ itemType) {
	val := lx.input[lx.start:lx.pos]
	if len(lx.parts) > 0 {
		val = strings.Join(lx.parts, "") + val
		lx.parts = lx.parts[:0]
	}
	lx.emitValue(typ, val)
}

func (lx *lexer) emitValue(typ itemType, val string) {
	lx.items = append(lx.items, item{
		typ:  typ,
		val:  val,
		line: lx.line,
		col:  lx.pos - lx.tokNL - len(val),
		form: lx.form,
	})
	lx.form = FormBare
	lx.ignore()
}

// esc renders a rune for an error message: a newline as the two characters
// \n, anything else (the NUL of end of input included) as itself.
func esc(r rune) string {
	if r == '\n' {
		return `\n`
	}
	return string(r)
}

// errorf emits an error item and stops the lexer.
func (lx *lexer) errorf(format string, args ...any) stateFn {
	lx.items = append(lx.items, item{
		typ:  itemError,
		val:  fmt.Sprintf(format, args...),
		line: lx.line,
		col:  lx.pos - lx.tokNL,
	})
	return nil
}

// isWhitespace reports a blank inside a line. Where keys are expected the
// reference skips any Unicode space instead (unicode.IsSpace).
func isWhitespace(r rune) bool { return r == ' ' || r == '\t' }
func isNL(r rune) bool         { return r == '\n' || r == '\r' }
func isKeySep(r rune) bool     { return r == '=' || r == ':' }
func isDigit(r rune) bool      { return r >= '0' && r <= '9' }

func isHex(r rune) bool {
	return isDigit(r) || (r >= 'a' && r <= 'f') || (r >= 'A' && r <= 'F')
}

// isNumberEnd reports whether r ends an integer, size or datetime.
func isNumberEnd(r rune) bool {
	return isWhitespace(r) || isNL(r) || r == eof || r == ',' || r == ';' || r == '}'
}

// isStringEnd reports whether r ends an unquoted string.
func isStringEnd(r rune) bool { return isNumberEnd(r) || r == ']' }

// isUnit reports whether r is a size multiplier letter (k, m, g, t, p, e).
func isUnit(r rune) bool {
	switch r {
	case 'k', 'K', 'm', 'M', 'g', 'G', 't', 'T', 'p', 'P', 'e', 'E':
		return true
	}
	return false
}

// comment handles '#' or '/' read in a state that allows comments and
// returns nil when r starts no comment. After the comment the lexer
// continues with back, which reads the newline that ended it. A '/' that does not start "//" is
// dropped and the lexer continues with lone (what follows such a '/'
// differs from state to state in the reference).
func (lx *lexer) comment(r rune, back, lone stateFn) stateFn {
	switch {
	case r == '#':
	case r == '/' && lx.peek() == '/':
		lx.next()
	case r == '/':
		lx.ignore()
		return lone
	default:
		return nil
	}
	lx.push(back)
	return lexComment
}

// lexComment skips to the end of the line.
func lexComment(lx *lexer) stateFn {
	r := lx.next()
	if isNL(r) || r == eof {
		lx.backup()
		lx.ignore()
		return lx.pop()
	}
	return lexComment
}

// lexTop is the state between top-level pairs.
func lexTop(lx *lexer) stateFn {
	r := lx.next()
	switch {
	case unicode.IsSpace(r):
		lx.ignore()
		return lexTop
	case r == '#' || (r == '/' && lx.peek() == '/'):
		return lx.comment(r, lexTop, nil)
	case r == '/':
		return lx.errorf("Unexpected EOF.")
	case r == '{':
		lx.ignore()
		lx.blockDepth = 1
		return lexBlockStart
	case isKeySep(r):
		return lx.errorf("Unexpected key separator '%s'", esc(r))
	case r == eof:
		if lx.pos > lx.start {
			return lx.errorf("Unexpected EOF.")
		}
		lx.emit(itemEOF)
		return nil
	}
	lx.backup()
	lx.push(lexTopValueEnd)
	return lexKeyStart
}

// lexTopValueEnd follows a top-level value.
func lexTopValueEnd(lx *lexer) stateFn {
	r := lx.next()
	if s := lx.comment(r, lexTop, lexTopValueEnd); s != nil {
		return s
	}
	switch {
	case isWhitespace(r):
		lx.ignore()
		return lexTopValueEnd
	case isNL(r) || r == ',' || r == ';' || r == '}' || r == eof:
		lx.ignore()
		return lexTop
	}
	return lx.errorf("Expected a top-level value to end with a new line, comment or EOF, but got '%s' instead.", esc(r))
}

// lexBlockStart is the state between pairs inside braces that wrap the top
// level ("{ port: 4222 }").
func lexBlockStart(lx *lexer) stateFn {
	r := lx.next()
	switch {
	case unicode.IsSpace(r):
		lx.ignore()
		return lexBlockStart
	case r == '#' || (r == '/' && lx.peek() == '/'):
		return lx.comment(r, lexBlockStart, nil)
	case r == '/':
		return lx.errorf("Unexpected EOF.")
	case r == '{':
		lx.ignore()
		lx.blockDepth++
		return lexBlockStart
	case r == '}':
		return lx.closeBlock()
	case isKeySep(r):
		return lx.errorf("Unexpected key separator '%s'", esc(r))
	case r == eof:
		if lx.pos > lx.start {
			return lx.errorf("Unexpected EOF.")
		}
		lx.emit(itemEOF)
		return nil
	}
	lx.backup()
	lx.push(lexBlockValueEnd)
	return lexKeyStart
}

func (lx *lexer) closeBlock() stateFn {
	lx.ignore()
	lx.blockDepth--
	if lx.blockDepth <= 0 {
		return lexTop
	}
	return lexBlockEnd
}

// lexBlockValueEnd follows a value inside top-level braces.
func lexBlockValueEnd(lx *lexer) stateFn {
	r := lx.next()
	if s := lx.comment(r, lexBlockValueEnd, lexBlockValueEnd); s != nil {
		return s
	}
	switch {
	case isWhitespace(r):
		lx.ignore()
		return lexBlockValueEnd
	case isNL(r) || r == ',' || r == ';':
		lx.ignore()
		return lexBlockStart
	case r == '}':
		return lx.closeBlock()
	}
	return lx.errorf("Expected a block-level value to end with a new line, comment or EOF, but got '%s' instead.", esc(r))
}

// lexBlockEnd expects the closing braces of nested top-level braces.
func lexBlockEnd(lx *lexer) stateFn {
	r := lx.next()
	if s := lx.comment(r, lexBlockStart, lexBlockEnd); s != nil {
		return s
	}
	switch {
	case isWhitespace(r) || isNL(r):
		lx.ignore()
		return lexBlockEnd
	case r == ',' || r == ';':
		lx.ignore()
		return lexBlockStart
	case r == '}':
		return lx.closeBlock()
	}
	return lx.errorf("Expected a block-level to end with a '}', but got '%s' instead.", esc(r))
}

// lexKeyStart starts a key at top level or inside top-level braces.
func lexKeyStart(lx *lexer) stateFn {
	switch lx.next() {
	case '"':
		lx.ignore()
		return lexDubQuotedKey
	case '\'':
		lx.ignore()
		return lexQuotedKey
	}
	lx.backup()
	return lexKey
}

func lexDubQuotedKey(lx *lexer) stateFn { return lx.quotedKey('"', "", lexKeyEnd) }
func lexQuotedKey(lx *lexer) stateFn    { return lx.quotedKey('\'', "", lexKeyEnd) }

// quotedKey lexes a quoted key up to the closing quote q (no escapes). An
// empty eofMsg means the top-level behaviour at the end of the input (see
// quotedEOF).
func (lx *lexer) quotedKey(q rune, eofMsg string, next stateFn) stateFn {
	for {
		r := lx.next()
		switch {
		case r == q:
			lx.backup()
			lx.emit(itemKey)
			lx.next()
			lx.ignore()
			return next
		case r == eof && eofMsg == "":
			lx.backup() // a NUL byte here reads as the end of the input
			return lx.quotedEOF()
		case r == eof:
			return lx.errorf("%s", eofMsg)
		}
	}
}

// quotedEOF handles the end of the input inside a top-level quoted key or a
// quoted string: an error if text was read since the quote (or the last
// escape), else the input simply ends there.
func (lx *lexer) quotedEOF() stateFn {
	if lx.pos > lx.start {
		return lx.errorf("Unexpected EOF.")
	}
	lx.emit(itemEOF)
	return nil
}

// lexKey lexes a bare key at top level.
func lexKey(lx *lexer) stateFn {
	return lx.bareKey(lexKeyEnd, "")
}

// bareKey lexes a bare key: everything up to whitespace, a newline or a
// separator. The word "include" followed by a blank starts an include.
func (lx *lexer) bareKey(next stateFn, eofMsg string) stateFn {
	for {
		r := lx.next()
		if r == eof && eofMsg != "" {
			return lx.errorf("%s", eofMsg)
		}
		if unicode.IsSpace(r) || isKeySep(r) || r == eof {
			lx.backup()
			if unicode.IsSpace(r) && strings.EqualFold(lx.input[lx.start:lx.pos], "include") {
				lx.ignore()
				return lexIncludeStart
			}
			lx.emit(itemKey)
			return next
		}
	}
}

// lexKeyEnd skips the separator between a top-level key and its value.
func lexKeyEnd(lx *lexer) stateFn {
	r := lx.next()
	switch {
	case unicode.IsSpace(r):
		lx.ignore()
		return lexKeyEnd
	case isKeySep(r):
		lx.ignore()
		return lexValue
	case r == eof:
		lx.emit(itemEOF)
		return nil
	}
	lx.backup()
	return lexValue
}

// lexIncludeStart follows the word "include".
func lexIncludeStart(lx *lexer) stateFn {
	r := lx.next()
	switch {
	case isNL(r):
		return lx.errorf("Expected include value but found new line")
	case isWhitespace(r):
		lx.ignore()
		return lexIncludeStart
	case r == '"':
		lx.ignore()
		return lexIncludeDubQuoted
	case r == '\'':
		lx.ignore()
		return lexIncludeQuoted
	case r == '[':
		return lx.errorf("Expected include value but found start of an array")
	case r == '{':
		return lx.errorf("Expected include value but found start of a map")
	case r == '(':
		return lx.errorf("Expected include value but found start of a block")
	case r == '-' || isDigit(r):
		return lx.errorf("Expected include value but found start of a number")
	case r == '\\':
		return lx.errorf("Expected include value but found escape sequence")
	}
	lx.backup()
	return lexIncludeBare
}

func lexIncludeDubQuoted(lx *lexer) stateFn {
	return lx.quotedInclude('"', "Unexpected EOF in double quoted include")
}

func lexIncludeQuoted(lx *lexer) stateFn {
	return lx.quotedInclude('\'', "Unexpected EOF in quoted include")
}

func (lx *lexer) quotedInclude(q rune, eofMsg string) stateFn {
	for {
		r := lx.next()
		switch {
		case r == q:
			lx.backup()
			lx.emit(itemInclude)
			lx.next()
			lx.ignore()
			return lx.pop()
		case r == eof:
			return lx.errorf("%s", eofMsg)
		}
	}
}

func lexIncludeBare(lx *lexer) stateFn {
	for {
		r := lx.next()
		switch {
		case r == '\'':
			lx.backup()
			lx.emit(itemInclude)
			lx.next()
			lx.ignore()
			return lx.pop()
		case isWhitespace(r) || isNL(r) || r == eof || r == ';' || r == '}':
			lx.backup()
			lx.emit(itemInclude)
			return lx.pop()
		}
	}
}

// lexValue starts a value after a key (top level, braces, map) or inside an
// array.
func lexValue(lx *lexer) stateFn {
	r := lx.next()
	switch {
	case isWhitespace(r):
		lx.ignore()
		return lexValue
	case isNL(r):
		return lx.errorf("Expected value but found new line")
	case r == '[':
		lx.ignore()
		lx.emit(itemArrayStart)
		return lexArrayValue
	case r == '{':
		lx.ignore()
		lx.emit(itemMapStart)
		return lexMapKeyStart
	case r == '"':
		lx.ignore()
		lx.form = FormDoubleQuoted
		return lexDubQuotedString
	case r == '\'':
		lx.ignore()
		lx.form = FormSingleQuoted
		return lexQuotedString
	case r == '(':
		lx.ignore()
		return lexBlock
	case r == '-':
		return lexNegNumberStart
	case isDigit(r):
		lx.digits = 1
		return lexNumber
	case r == '.':
		return lx.errorf("Floats must start with a digit")
	}
	lx.backup()
	return lexString
}

// lexArrayValue is the state before an array element.
func lexArrayValue(lx *lexer) stateFn {
	r := lx.next()
	switch {
	case unicode.IsSpace(r):
		lx.ignore()
		return lexArrayValue
	case r == '#' || (r == '/' && lx.peek() == '/'):
		return lx.comment(r, lexArrayValue, nil)
	case r == ',' || r == '/':
		return lx.errorf("Unexpected array value terminator ','.")
	case r == ']':
		return lexArrayEnd
	}
	lx.backup()
	lx.push(lexArrayValueEnd)
	return lexValue
}

// lexArrayValueEnd follows an array element.
func lexArrayValueEnd(lx *lexer) stateFn {
	r := lx.next()
	if s := lx.comment(r, lexArrayValueEnd, lexArrayValue); s != nil {
		return s
	}
	switch {
	case isWhitespace(r):
		lx.ignore()
		return lexArrayValueEnd
	case isNL(r) || r == ',':
		lx.ignore()
		return lexArrayValue
	case r == ']':
		return lexArrayEnd
	}
	return lx.errorf("Expected an array value terminator \",\" or an array terminator \"]\", but got '%s' instead.", esc(r))
}

func lexArrayEnd(lx *lexer) stateFn {
	lx.ignore()
	lx.emit(itemArrayEnd)
	return lx.pop()
}

// lexMapKeyStart is the state before a key inside a map.
func lexMapKeyStart(lx *lexer) stateFn {
	r := lx.next()
	if s := lx.comment(r, lexMapKeyStart, lexMapKeyAfterSlash); s != nil {
		return s
	}
	switch {
	case unicode.IsSpace(r):
		lx.ignore()
		return lexMapKeyStart
	case r == '}':
		return lexMapEnd
	case r == ']':
		return lx.errorf("Unexpected array end ']' processing map.")
	case isKeySep(r):
		return lx.errorf("Unexpected key separator '%s'.", esc(r))
	case r == eof:
		return lx.errorf("Unexpected EOF processing map.")
	case r == '"':
		lx.ignore()
		lx.push(lexMapValueEnd)
		return lexMapDubQuotedKey
	case r == '\'':
		lx.ignore()
		lx.push(lexMapValueEnd)
		return lexMapQuotedKey
	}
	lx.backup()
	lx.push(lexMapValueEnd)
	return lexMapKey
}

// lexMapKeyAfterSlash follows a lone '/' where a map key was expected: the
// next character, whatever it is, starts a bare key.
func lexMapKeyAfterSlash(lx *lexer) stateFn {
	lx.next()
	lx.push(lexMapValueEnd)
	return lexMapKey
}

func lexMapDubQuotedKey(lx *lexer) stateFn {
	return lx.quotedKey('"', "Unexpected EOF processing double quoted map key.", lexMapKeyEnd)
}

func lexMapQuotedKey(lx *lexer) stateFn {
	return lx.quotedKey('\'', "Unexpected EOF processing quoted map key.", lexMapKeyEnd)
}

func lexMapKey(lx *lexer) stateFn {
	return lx.bareKey(lexMapKeyEnd, "Unexpected EOF processing map key.")
}

// lexMapKeyEnd skips the separator between a map key and its value.
func lexMapKeyEnd(lx *lexer) stateFn {
	r := lx.next()
	switch {
	case unicode.IsSpace(r):
		lx.ignore()
		return lexMapKeyEnd
	case isKeySep(r):
		lx.ignore()
		return lexMapValue
	}
	lx.backup()
	return lexMapValue
}

// lexMapValue starts the value of a map pair. A '}' here closes the map and
// leaves the key without a value.
func lexMapValue(lx *lexer) stateFn {
	r := lx.next()
	switch {
	case unicode.IsSpace(r):
		lx.ignore()
		return lexMapValue
	case r == ',':
		return lx.errorf("Unexpected map value terminator \",\".")
	case r == '}':
		lx.pop() // the pair never gets a value
		return lexMapEnd
	}
	lx.backup()
	return lexValue
}

// lexMapValueEnd follows the value of a map pair.
func lexMapValueEnd(lx *lexer) stateFn {
	r := lx.next()
	if s := lx.comment(r, lexMapValueEnd, lexMapKeyStart); s != nil {
		return s
	}
	switch {
	case isWhitespace(r):
		lx.ignore()
		return lexMapValueEnd
	case isNL(r) || r == ',' || r == ';':
		lx.ignore()
		return lexMapKeyStart
	case r == '}':
		return lexMapEnd
	}
	return lx.errorf("Expected a map value terminator \",\" or a map terminator \"}\", but got '%s' instead.", esc(r))
}

func lexMapEnd(lx *lexer) stateFn {
	lx.ignore()
	lx.emit(itemMapEnd)
	return lx.pop()
}

// lexString lexes an unquoted string, which may turn out to be a boolean or
// a variable reference. A single quote ends it and is dropped.
func lexString(lx *lexer) stateFn {
	r := lx.next()
	switch {
	case r == '\\':
		return lx.escape(lexString)
	case r == '\'':
		lx.backup()
		lx.emit(itemString)
		lx.next()
		lx.ignore()
		return lx.pop()
	case isStringEnd(r):
		lx.backup()
		lx.emitBare()
		return lx.pop()
	}
	return lexString
}

// emitBare emits the unquoted string just lexed as a variable, a boolean or
// a string.
func (lx *lexer) emitBare() {
	if len(lx.parts) > 0 {
		// A string with escapes is never a variable or a boolean.
		lx.emit(itemString)
		return
	}
	val := lx.input[lx.start:lx.pos]
	switch {
	case strings.HasPrefix(val, "$"):
		// The parser turns "$2a$..." (a bcrypt hash) back into a string.
		lx.emitValue(itemVariable, val[1:])
	case isBool(val):
		lx.emitValue(itemBool, val)
	default:
		lx.emitValue(itemString, val)
	}
}

func isBool(s string) bool {
	switch strings.ToLower(s) {
	case "true", "yes", "on", "false", "no", "off":
		return true
	}
	return false
}

// lexDubQuotedString lexes a double-quoted string with escapes.
func lexDubQuotedString(lx *lexer) stateFn {
	r := lx.next()
	switch {
	case r == '\\':
		return lx.escape(lexDubQuotedString)
	case r == '"':
		lx.backup()
		lx.emit(itemString)
		lx.next()
		lx.ignore()
		return lx.pop()
	case r == eof:
		return lx.quotedEOF()
	}
	return lexDubQuotedString
}

// lexQuotedString lexes a single-quoted (raw) string.
func lexQuotedString(lx *lexer) stateFn {
	r := lx.next()
	switch {
	case r == '\'':
		lx.backup()
		lx.emit(itemString)
		lx.next()
		lx.ignore()
		return lx.pop()
	case r == eof:
		return lx.quotedEOF()
	}
	return lexQuotedString
}

// escape decodes the escape sequence after a backslash and continues with
// back.
func (lx *lexer) escape(back stateFn) stateFn {
	// The text before the backslash is kept; the backslash is dropped.
	lx.parts = append(lx.parts, lx.input[lx.start:lx.pos-1])
	r := lx.next()
	var dec string
	switch r {
	case 'x':
		return lx.hexEscape(back)
	case 't':
		dec = "\t"
	case 'n':
		dec = "\n"
	case 'r':
		dec = "\r"
	case '"':
		dec = "\""
	case '\\':
		dec = "\\"
	default:
		return lx.errorf("Invalid escape character '%s'. Only the following escape characters are allowed: \\xXX, \\t, \\n, \\r, \\\", \\\\.", esc(r))
	}
	lx.parts = append(lx.parts, dec)
	lx.start = lx.pos
	return back
}

func (lx *lexer) hexEscape(back stateFn) stateFn {
	r1 := lx.next()
	if isNL(r1) {
		return lx.errorf("Expected two hexadecimal digits after '\\x', but hit end of line")
	}
	r2 := lx.next()
	if isNL(r2) {
		return lx.errorf("Expected two hexadecimal digits after '\\x', but hit end of line")
	}
	if !isHex(r1) || !isHex(r2) {
		from := lx.pos - 2
		if from < 0 {
			from = 0
		}
		return lx.errorf("Expected two hexadecimal digits after '\\x', but got '%s'", lx.input[from:lx.pos])
	}
	lx.parts = append(lx.parts, string([]byte{hexVal(r1)<<4 | hexVal(r2)}))
	lx.start = lx.pos
	return back
}

func hexVal(r rune) byte {
	switch {
	case isDigit(r):
		return byte(r - '0')
	case r >= 'a' && r <= 'f':
		return byte(r-'a') + 10
	}
	return byte(r-'A') + 10
}

// lexBlock lexes a block string "( ... )": raw text up to a line holding
// just ")". The newline before ")" belongs to the text; at end of input the
// ")" does too (the reference's behaviour).
func lexBlock(lx *lexer) stateFn {
	for {
		r := lx.next()
		if r == eof {
			return lx.errorf("Unexpected EOF processing block.")
		}
		if r != '\n' || lx.pos >= len(lx.input) || lx.input[lx.pos] != ')' {
			continue
		}
		after := lx.pos + 1
		switch {
		case after >= len(lx.input):
			lx.next() // the ")" is part of the text
			lx.form = FormBlock
			lx.emit(itemString)
		case lx.input[after] == '\n' || lx.input[after] == 0:
			lx.form = FormBlock
			lx.emit(itemString)
			lx.next()
			lx.ignore()
		default:
			continue
		}
		return lx.pop()
	}
}

// lexNegNumberStart follows a '-' that starts a value.
func lexNegNumberStart(lx *lexer) stateFn {
	r := lx.next()
	if r == '.' {
		return lx.errorf("Floats must start with a digit, not '.'.")
	}
	if !isDigit(r) {
		return lx.errorf("Expected a digit but got '%s'.", esc(r))
	}
	return lexNegNumber
}

func lexNegNumber(lx *lexer) stateFn {
	r := lx.next()
	switch {
	case isDigit(r):
		return lexNegNumber
	case r == '.':
		return lexFloatStart
	case isUnit(r):
		return lexSize
	}
	lx.backup()
	lx.emit(itemInteger)
	return lx.pop()
}

// lexNumber lexes what starts with digits: an integer, a size, a float, an
// IP address, a datetime or a string. lx.digits counts the digits read.
func lexNumber(lx *lexer) stateFn {
	r := lx.next()
	switch {
	case isDigit(r):
		lx.digits++
		return lexNumber
	case r == '-':
		if lx.digits != 4 {
			return lx.errorf("All ISO8601 dates must be in full Zulu form.")
		}
		return lexDate
	case r == '.':
		return lexFloatStart
	case isUnit(r):
		return lexSize
	case isNumberEnd(r):
		lx.backup()
		lx.emit(itemInteger)
		return lx.pop()
	}
	// Anything else makes it a string, of which r is part.
	return lexString
}

// lexSize follows the unit letter of a size: an optional "b", "i" or "ib"
// (any case), then the end of the number. Anything else makes it a string.
func lexSize(lx *lexer) stateFn {
	unitAt := lx.pos - 1
	for {
		r := lx.next()
		switch {
		case r == 'b' || r == 'B' || r == 'i' || r == 'I':
			continue
		case isNumberEnd(r):
			lx.backup()
			switch strings.ToLower(lx.input[unitAt+1 : lx.pos]) {
			case "", "b", "i", "ib":
			default:
				return lx.errorf("Invalid size suffix '%s'.", lx.input[unitAt:lx.pos])
			}
			lx.form = FormSized
			lx.emit(itemInteger)
			return lx.pop()
		}
		lx.backup()
		return lexString
	}
}

// lexFloatStart follows the '.' of a number.
func lexFloatStart(lx *lexer) stateFn {
	r := lx.next()
	if !isDigit(r) {
		return lx.errorf("Floats must have a digit after the '.', but got '%s' instead.", esc(r))
	}
	return lexFloat
}

func lexFloat(lx *lexer) stateFn {
	r := lx.next()
	switch {
	case isDigit(r):
		return lexFloat
	case r == '.':
		return lexIPAddr
	}
	lx.backup()
	lx.emit(itemFloat)
	return lx.pop()
}

// lexIPAddr lexes a number with two or more dots (an address such as
// 127.0.0.1:4222) as a string.
func lexIPAddr(lx *lexer) stateFn {
	r := lx.next()
	if isDigit(r) || r == '.' || r == ':' || r == '-' {
		return lexIPAddr
	}
	lx.backup()
	lx.emit(itemString)
	return lx.pop()
}

// dateLayout says what each character after "YYYY-" must be: 'd' a digit,
// anything else that exact character.
const dateLayout = "dd-ddTdd:dd:ddZ"

// lexDate lexes the rest of an ISO-8601 Zulu datetime after "YYYY-".
func lexDate(lx *lexer) stateFn {
	for i := 0; i < len(dateLayout); i++ {
		r := lx.next()
		want := rune(dateLayout[i])
		if want == 'd' {
			if !isDigit(r) {
				return lx.errorf("Expected digit in ISO8601 datetime, but found '%s' instead.", esc(r))
			}
			continue
		}
		if r != want {
			return lx.errorf("Expected '%s' in ISO8601 datetime, but found '%s' instead.", esc(want), esc(r))
		}
	}
	lx.emit(itemDatetime)
	return lx.pop()
}
