//! Release scope and window planning as a mixed-integer program (good_lp).
