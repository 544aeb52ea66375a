import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { printApiSchema } from '../src/graphql/build-api-schema';

/** npm run api:schema — regenerates apps/api/schema.graphql from the code; commit the result. */
const target = resolve(__dirname, '..', 'schema.graphql');
printApiSchema().then(
  (sdl) => {
    writeFileSync(target, sdl);
    process.stdout.write(`api: wrote ${target}\n`);
  },
  (error: unknown) => {
    process.stderr.write(`api: could not print the schema: ${String(error)}\n`);
    process.exit(1);
  },
);
