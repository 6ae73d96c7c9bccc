package conf

import (
	"fmt"
	"strconv"
)

// ErrorKind classifies parse failures.
type ErrorKind uint8

// The kinds of Error. The Error() text of each is what nats-server prints
// after its "nats-server: " prefix.
const (
	// KindSyntax is a lexer error: "Parse error on line L: 'Msg'".
	KindSyntax ErrorKind = iota + 1
	// KindNoValue is a key without a value at the end of the input:
	// "config is invalid (file:line:col)".
	KindNoValue
	// KindRange is a number that does not fit: "integer '...' is out of
	// the range", "float '...' is out of the range".
	KindRange
	// KindDatetime is a datetime that does not exist: "expected Zulu
	// formatted DateTime, but got '...'".
	KindDatetime
	// KindVariable is an unresolvable variable: "variable reference for
	// 'X' on line L can not be found", "... could not be parsed: <Err>",
	// "variable reference cycle for 'X'".
	KindVariable
	// KindInclude is a failed include: "error parsing include file
	// '<path>', <Err>". Err is the failure inside.
	KindInclude
	// KindRead is a main file that cannot be read; the text is the
	// operating system's ("open x.conf: no such file or directory").
	KindRead
	// KindLimit is input beyond a limit of limits.go (nats-server has no
	// such limits and crashes instead): "<file>:<line>:<col>: <Msg>".
	KindLimit
	// KindInternal is a bug in this package.
	KindInternal
	// KindConfig is a problem with a value found by the caller (the
	// option layer), made with Errorf: "<file>:<line>:<col>: <Msg>".
	KindConfig
)

// Error is a failure to parse a configuration. Error() returns exactly the
// text nats-server prints for the same input (after "nats-server: ").
type Error struct {
	Kind ErrorKind
	// Pos is where the problem was found (the include directive for
	// KindInclude); File is empty for text that came from an environment
	// variable.
	Pos Pos
	// Msg is the message without position or wrapping: for KindSyntax the
	// lexer's message, for KindVariable "variable reference for 'X' on
	// line L can not be found" and similar.
	Msg string
	// Err is the underlying failure, if any.
	Err error
}

// Error returns the message as nats-server prints it.
func (e *Error) Error() string {
	switch e.Kind {
	case KindSyntax:
		return "Parse error on line " + strconv.Itoa(e.Pos.Line) + ": '" + e.Msg + "'"
	case KindNoValue:
		return "config is invalid (" + e.Pos.String() + ")"
	case KindLimit, KindConfig:
		return e.Pos.String() + ": " + e.Msg
	case KindRead:
		if e.Err != nil {
			return e.Err.Error()
		}
	}
	if e.Err != nil {
		return e.Msg + e.Err.Error()
	}
	return e.Msg
}

// Unwrap returns the underlying failure.
func (e *Error) Unwrap() error { return e.Err }

// Errorf returns a KindConfig error at pos, printed like nats-server prints
// option errors: Errorf(p, "unknown field %q", "foo") gives
// `x.conf:2:1: unknown field "foo"`.
func Errorf(pos Pos, format string, args ...any) *Error {
	return &Error{Kind: KindConfig, Pos: pos, Msg: fmt.Sprintf(format, args...)}
}

func syntaxError(pos Pos, msg string) *Error {
	return &Error{Kind: KindSyntax, Pos: pos, Msg: msg}
}

func variableNotFound(name string, pos Pos) *Error {
	return &Error{
		Kind: KindVariable,
		Pos:  pos,
		Msg:  fmt.Sprintf("variable reference for '%s' on line %d can not be found", name, pos.Line),
	}
}

func variableUnparsable(name string, pos Pos, err error) *Error {
	return &Error{
		Kind: KindVariable,
		Pos:  pos,
		Msg:  fmt.Sprintf("variable reference for '%s' on line %d could not be parsed: ", name, pos.Line),
		Err:  err,
	}
}

func variableCycle(name string, pos Pos) *Error {
	return &Error{
		Kind: KindVariable,
		Pos:  pos,
		Msg:  fmt.Sprintf("variable reference cycle for '%s'", name),
	}
}

func includeError(path string, pos Pos, err error) *Error {
	return &Error{
		Kind: KindInclude,
		Pos:  pos,
		Msg:  fmt.Sprintf("error parsing include file '%s', ", path),
		Err:  err,
	}
}
