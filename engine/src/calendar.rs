//! Time: working-day offsets and dates, team working patterns and capacity, deploy windows.
