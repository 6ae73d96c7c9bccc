package events

import "time"

// StatszSchedule computes the STATSZ broadcast times: the first one
// StatszFirstDelay after start, then after StatszFirstInterval, doubling up
// to StatszMaxInterval (observed: +0.25 s, +1.25 s, +3.25 s, +7.25 s,
// +15.25 s, +25.25 s, then every 10 s). It is not safe for concurrent use.
type StatszSchedule struct {
	next time.Duration
	last time.Time
}

// Next returns the delay until the next periodic broadcast and advances
// the schedule.
func (s *StatszSchedule) Next() time.Duration {
	if s.next == 0 {
		s.next = StatszFirstInterval
		return StatszFirstDelay
	}
	d := s.next
	s.next = min(2*s.next, StatszMaxInterval)
	return d
}

// Allow returns 0 when a broadcast may happen at now (at least
// StatszMinSpacing after the previous one) and records it; otherwise it
// returns how long to wait. A forced broadcast (a PING without reply)
// passes force and is always allowed.
func (s *StatszSchedule) Allow(now time.Time, force bool) time.Duration {
	if !force && !s.last.IsZero() {
		if since := now.Sub(s.last); since < StatszMinSpacing {
			return StatszMinSpacing - since
		}
	}
	s.last = now
	return 0
}
