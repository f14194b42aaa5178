import './console.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { Session } from '../../shared/session.js';
import { ConsoleApp } from './shell/console-app.js';

const session = new Session();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <BrowserRouter basename="/console">
      <ConsoleApp session={session} />
    </BrowserRouter>
  </StrictMode>,
);
