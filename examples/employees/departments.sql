-- The HR database the employees example enriches from and writes to (SQLite).
create table if not exists departments (id integer primary key, name text not null);
delete from departments;
insert into departments (id, name) values
    (10, 'Engineering'),
    (20, 'Sales'),
    (30, 'Finance'),
    (40, 'Support');
-- The pipeline's output: one row per well-paid employee, with the department's name.
create table if not exists well_paid (
    id integer primary key,
    name text not null,
    department text not null,
    salary integer not null
);
