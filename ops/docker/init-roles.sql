-- The schema owner (runs setup) and the runtime role (runs the service), for docker-compose.yml.
CREATE ROLE claimsledger_owner LOGIN PASSWORD 'claimsledger_owner';
CREATE ROLE claimsledger_app LOGIN PASSWORD 'claimsledger_app';
CREATE DATABASE claimsledger OWNER claimsledger_owner;
