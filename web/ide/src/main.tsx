import 'graphiql/style.css';
import './ide.css';
import { GraphiQL } from 'graphiql';
import { buildSchema, type GraphQLSchema } from 'graphql';
import { StrictMode, useEffect, useMemo, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { Session, type SessionState } from '../../shared/session.js';
import { examplesFor } from './examples.js';
import { createFetcher } from './fetcher.js';
import { MemoryStorage } from './memory-storage.js';
import { readPageConfig } from './page-config.js';
import { type Redaction, RedactionsPanel } from './redactions-panel.js';
import { SessionBar } from './session-bar.js';

const config = readPageConfig();
const session = new Session();
const storage = new MemoryStorage();

/**
 * The schema as SDL from the server: the IDE then needs no introspection query, so it works
 * where introspection is off (production with GRAPHQL_IDE=true).
 */
async function loadSchema(): Promise<GraphQLSchema | null> {
  try {
    const response = await fetch(config.schemaUrl, { headers: { accept: 'text/plain' } });
    return response.ok ? buildSchema(await response.text()) : null;
  } catch {
    return null;
  }
}

function Ide() {
  const [state, setState] = useState<SessionState>(session.state);
  const [schema, setSchema] = useState<GraphQLSchema | null | undefined>(undefined);
  const [redactions, setRedactions] = useState<Redaction[] | null>(null);
  useEffect(() => {
    const unsubscribe = session.subscribe(setState);
    void session.refresh().catch(() => setState({ kind: 'signed-out' }));
    void loadSchema().then(setSchema);
    return unsubscribe;
  }, []);
  const fetcher = useMemo(() => createFetcher(session, setRedactions), []);

  if (state.kind === 'checking' || schema === undefined)
    return <p className="brygga-loading">Loading…</p>;
  const tabs = examplesFor(state.kind === 'signed-in' ? state.person.roles : null);
  return (
    <div className="brygga-ide">
      <SessionBar
        state={state}
        identityProviders={config.identityProviders}
        returnTo={window.location.pathname}
      />
      <main className="brygga-ide__main">
        <h1 className="brygga-visually-hidden">GraphQL IDE</h1>
        <div className="brygga-ide__graphiql">
          <GraphiQL
            fetcher={fetcher}
            schema={schema}
            storage={storage}
            defaultTabs={tabs}
            // GraphiQL 4 opens the first tab with the `variables` prop, not the tab's own.
            variables={tabs[0]?.variables}
            defaultEditorToolsVisibility="variables"
            isHeadersEditorEnabled={false}
          />
        </div>
        <RedactionsPanel redactions={redactions} />
      </main>
    </div>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Ide />
  </StrictMode>,
);
