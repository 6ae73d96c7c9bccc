// Package conf reads the nats-server configuration language into a tree of
// values that remember where they were written.
//
// The language is a relaxed JSON: pairs "key value" separated by '=', ':'
// or blanks, maps {...}, arrays [...], '#' and '//' comments, quoted and
// bare strings, integers with size suffixes (1k, 2MB, 64KiB), floats,
// booleans (true/yes/on, false/no/off), Zulu datetimes, block strings
// "( ... )", $variables (earlier keys of enclosing maps, else the
// environment) and "include <file>" relative to the including file.
//
// Parse and ParseFile return a *Map; every Value and Entry carries a Pos
// (file, line, column) in nats-server's convention, so that the option
// layer can report "file:line:col: reason" exactly like the reference.
// Errors are *Error, whose text is what nats-server prints for the same
// input. This package gives no meaning to keys: that is the job of the
// option layer.
package conf
