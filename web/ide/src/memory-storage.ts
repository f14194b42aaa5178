/**
 * GraphiQL keeps tabs, history and theme in a Storage. This one lives as long as the page:
 * nothing of a session (queries with patient identifiers, results) stays in the browser
 * after the tab closes, and each sign-in opens the examples of the person who signed in.
 */
export class MemoryStorage implements Storage {
  private readonly items = new Map<string, string>();

  get length(): number {
    return this.items.size;
  }

  clear(): void {
    this.items.clear();
  }

  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }

  key(index: number): string | null {
    return [...this.items.keys()][index] ?? null;
  }

  removeItem(key: string): void {
    this.items.delete(key);
  }

  setItem(key: string, value: string): void {
    this.items.set(key, String(value));
  }
}
