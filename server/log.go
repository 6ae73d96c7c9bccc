package server

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// logTimeFormat is the reference's timestamp layout (microseconds).
const logTimeFormat = "2006/01/02 15:04:05.000000"

// Log level labels, as printed between brackets.
const (
	levelInfo  = "[INF] "
	levelWarn  = "[WRN] "
	levelError = "[ERR] "
	levelFatal = "[FTL] "
	levelDebug = "[DBG] "
	levelTrace = "[TRC] "
)

// Logger writes log lines in the reference format
//
//	[pid] 2006/01/02 15:04:05.000000 [INF] message
//
// The debug, trace and time switches can be flipped at run time (reload).
// Lines go to stderr, or are appended to a log file that can be re-opened
// (SIGUSR1). A Logger is safe for concurrent use.
type Logger struct {
	debug   atomic.Bool
	trace   atomic.Bool
	logtime atomic.Bool
	utc     atomic.Bool

	mu     sync.Mutex
	pid    string // "[pid] "
	out    io.Writer
	file   *os.File // non-nil when logging to a file
	path   string
	closed bool
	buf    []byte
}

// NewLogger returns a Logger writing to w (os.Stderr when nil) with time
// stamps on and debug/trace off.
func NewLogger(w io.Writer) *Logger {
	if w == nil {
		w = os.Stderr
	}
	l := &Logger{out: w, pid: "[" + strconv.Itoa(os.Getpid()) + "] "}
	l.logtime.Store(true)
	return l
}

// SetOutput sends further lines to w; a previously opened log file is closed.
func (l *Logger) SetOutput(w io.Writer) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.file != nil {
		_ = l.file.Close()
		l.file = nil
		l.path = ""
	}
	l.out = w
}

// SetFile appends further lines to the file at path (created with mode 0640).
func (l *Logger) SetFile(path string) error {
	f, err := openLogFile(path)
	if err != nil {
		return err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.file != nil {
		_ = l.file.Close()
	}
	l.file, l.out, l.path = f, f, path
	return nil
}

func openLogFile(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o640)
	if err != nil {
		return nil, fmt.Errorf("error opening file: %w", err)
	}
	return f, nil
}

// IsFileLogger reports whether lines go to a log file.
func (l *Logger) IsFileLogger() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.file != nil
}

// Reopen closes and re-opens the log file (after logrotate moved it). It
// returns false when the logger does not write to a file.
func (l *Logger) Reopen() (bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.file == nil {
		return false, nil
	}
	f, err := openLogFile(l.path)
	if err != nil {
		return true, err
	}
	_ = l.file.Close()
	l.file, l.out = f, f
	return true, nil
}

// Close closes the log file, if any; later lines are dropped.
func (l *Logger) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.closed = true
	if l.file != nil {
		err := l.file.Close()
		l.file = nil
		return err
	}
	return nil
}

// SetDebug switches debug lines on or off.
func (l *Logger) SetDebug(on bool) { l.debug.Store(on) }

// SetTrace switches trace lines on or off.
func (l *Logger) SetTrace(on bool) { l.trace.Store(on) }

// SetLogtime switches the time column on or off.
func (l *Logger) SetLogtime(on bool) { l.logtime.Store(on) }

// SetUTC prints time stamps in UTC instead of local time.
func (l *Logger) SetUTC(on bool) { l.utc.Store(on) }

// DebugEnabled reports whether debug lines are written.
func (l *Logger) DebugEnabled() bool { return l.debug.Load() }

// TraceEnabled reports whether trace lines are written.
func (l *Logger) TraceEnabled() bool { return l.trace.Load() }

// Noticef logs at INF.
func (l *Logger) Noticef(format string, v ...any) { l.logf(levelInfo, format, v...) }

// Warnf logs at WRN.
func (l *Logger) Warnf(format string, v ...any) { l.logf(levelWarn, format, v...) }

// Errorf logs at ERR.
func (l *Logger) Errorf(format string, v ...any) { l.logf(levelError, format, v...) }

// Fatalf logs at FTL. It does not exit: the caller (the command) decides.
func (l *Logger) Fatalf(format string, v ...any) { l.logf(levelFatal, format, v...) }

// Debugf logs at DBG when debug is on.
func (l *Logger) Debugf(format string, v ...any) {
	if l.debug.Load() {
		l.logf(levelDebug, format, v...)
	}
}

// Tracef logs at TRC when trace is on.
func (l *Logger) Tracef(format string, v ...any) {
	if l.trace.Load() {
		l.logf(levelTrace, format, v...)
	}
}

func (l *Logger) logf(level, format string, v ...any) {
	msg := format
	if len(v) > 0 {
		msg = fmt.Sprintf(format, v...)
	}
	var now time.Time
	withTime := l.logtime.Load()
	if withTime {
		now = time.Now()
		if l.utc.Load() {
			now = now.UTC()
		}
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return
	}
	b := append(l.buf[:0], l.pid...)
	if withTime {
		b = now.AppendFormat(b, logTimeFormat)
		b = append(b, ' ')
	}
	b = append(b, level...)
	b = append(b, msg...)
	b = append(b, '\n')
	_, _ = l.out.Write(b)
	if cap(b) <= 64*1024 {
		l.buf = b
	}
}
