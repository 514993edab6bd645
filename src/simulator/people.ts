// Synthetic people: the built-in set, or a JSON file of the same shape ({ "people": [...] }).
import { readFileSync } from 'node:fs';
import { checkNin } from './nin.ts';
import builtIn from './people.json' with { type: 'json' };

export interface Person {
  pid: string;
  givenName: string;
  familyName: string;
  birthDate: string;
}

export function loadPeople(file?: string): Person[] {
  const data: { people?: unknown } = file ? JSON.parse(readFileSync(file, 'utf8')) : builtIn;
  if (!Array.isArray(data.people)) throw new Error(`${file ?? 'people.json'}: expected { "people": [ … ] }`);
  return data.people.map((p: Person, i: number) => {
    const check = checkNin(String(p.pid));
    if (!check.valid) throw new Error(`${file ?? 'people.json'}: person ${i} (${p.pid}) ${check.reason}`);
    if (!p.givenName || !p.familyName) throw new Error(`${file ?? 'people.json'}: person ${i} needs givenName and familyName`);
    return { pid: String(p.pid), givenName: p.givenName, familyName: p.familyName, birthDate: p.birthDate ?? check.info.birthDate };
  });
}
