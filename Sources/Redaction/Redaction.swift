// Redaction: placeholder until its issue lands.
