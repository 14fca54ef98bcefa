"""Staff and trust: users and PINs, who may do what, supervisor approvals, the audit trail, hours and commissions."""
