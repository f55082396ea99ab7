// Consent: placeholder until its issue lands.
