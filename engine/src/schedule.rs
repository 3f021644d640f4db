//! Resource-feasible scheduling under team capacity, calendars and every link type.
