package server

import (
	"os"
	"os/signal"
	"syscall"
)

// trappedSignals are the signals a running server handles (config.md §4.1).
var trappedSignals = []os.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGUSR1, syscall.SIGUSR2}

// HandleSignals makes s react to the process signals of config.md §4.1 until
// it shuts down: SIGINT and SIGTERM shut it down (SIGTERM is ignored during
// lame duck mode), SIGHUP reloads the configuration, SIGUSR1 re-opens the
// log file and SIGUSR2 enters lame duck mode. Each signal is logged as
// `Trapped "<name>" signal`. It returns a function that stops handling
// signals.
func (s *Server) HandleSignals() (stop func()) {
	c := make(chan os.Signal, 1)
	signal.Notify(c, trappedSignals...)
	done := make(chan struct{})
	go func() {
		defer signal.Stop(c)
		s.signalLoop(c, done)
	}()
	return func() {
		select {
		case <-done:
		default:
			close(done)
		}
	}
}

// signalLoop handles the signals received on c until done is closed or the
// server shuts down.
func (s *Server) signalLoop(c <-chan os.Signal, done <-chan struct{}) {
	shutdown := make(chan struct{})
	go func() {
		s.WaitForShutdown()
		close(shutdown)
	}()
	for {
		select {
		case <-done:
			return
		case <-shutdown:
			return
		case sig := <-c:
			if s.handleSignal(sig) {
				return
			}
		}
	}
}

// handleSignal performs what sig asks for and reports whether the server is
// shutting down.
func (s *Server) handleSignal(sig os.Signal) bool {
	log := s.Logger()
	log.Noticef("Trapped %q signal", sig)
	switch sig {
	case syscall.SIGINT:
		s.Shutdown()
		return true
	case syscall.SIGTERM:
		if s.InLameDuckMode() {
			// Lame duck mode already ends in a shutdown.
			return false
		}
		s.Shutdown()
		return true
	case syscall.SIGHUP:
		if err := s.Reload(); err != nil {
			log.Errorf("Failed to reload server configuration: %s", reloadErrorText(err))
		}
	case syscall.SIGUSR1:
		s.ReopenLogFile()
	case syscall.SIGUSR2:
		s.EnterLameDuckMode()
	}
	return false
}
