package subject

// set is an unordered set of values with O(1) add, remove and membership:
// a slice for fast iteration, plus a position map once it outgrows
// smallSetMax (below that a linear scan is cheaper than a map).
type set[T comparable] struct {
	items []T
	pos   map[T]int // index of each item in items; nil while small
}

// find returns the index of v in items, or -1.
func (s *set[T]) find(v T) int {
	if s.pos != nil {
		if i, ok := s.pos[v]; ok {
			return i
		}
		return -1
	}
	for i, x := range s.items {
		if x == v {
			return i
		}
	}
	return -1
}

// add inserts v and reports whether it was absent.
func (s *set[T]) add(v T) bool {
	if s.find(v) >= 0 {
		return false
	}
	s.items = append(s.items, v)
	switch {
	case s.pos != nil:
		s.pos[v] = len(s.items) - 1
	case len(s.items) > smallSetMax:
		s.pos = make(map[T]int, len(s.items))
		for i, x := range s.items {
			s.pos[x] = i
		}
	}
	return true
}

// remove deletes v and reports whether it was present. The last item moves
// into the hole, so removal is O(1) and order is not kept.
func (s *set[T]) remove(v T) bool {
	i := s.find(v)
	if i < 0 {
		return false
	}
	last := len(s.items) - 1
	moved := s.items[last]
	s.items[i] = moved
	var zero T
	s.items[last] = zero // do not keep a reference to the removed value
	s.items = s.items[:last]
	if s.pos != nil {
		delete(s.pos, v)
		if i != last {
			s.pos[moved] = i
		}
		if len(s.items) <= smallSetMax/2 {
			s.pos = nil // back to linear scans
		}
	}
	if len(s.items) == 0 {
		s.items = nil
	}
	return true
}

// len returns the number of items.
func (s *set[T]) len() int { return len(s.items) }
